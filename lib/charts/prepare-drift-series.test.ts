import { describe, expect, it } from "vitest";
import { defaultWindowId, prepareDriftSeries, versionChangeMarkers } from "./prepare-drift-series";
import { result } from "./chart-fixtures";

describe("prepareDriftSeries", () => {
  it("sorts windows by end, keeps insufficient windows as gaps and marks drift windows only", () => {
    const s = prepareDriftSeries("topic_drift", [
      result(3, { verdict: "drift", score: 0.3 }),
      result(1),
      result(2, { verdict: "insufficient_data", score: null }),
    ]);
    expect(s.points.map((p) => p.id)).toEqual(["r1", "r2", "r3"]);
    expect(s.points[1]).toMatchObject({ value: null, secondary: null, drift: null });
    expect(s.points[2]).toMatchObject({ value: 0.3, drift: 0.3 });
    expect(s.points[0]).toMatchObject({ value: 0.02, secondary: 0.05, drift: null });
    expect(s.threshold).toBe(0.1);
    expect(s.valueLabel).toMatch(/PSI/);
  });

  it("draws no threshold line where the threshold is not on the plotted statistic", () => {
    expect(prepareDriftSeries("concept_drift", [result(1, { threshold: 0.01 })]).threshold).toBeNull();
    expect(prepareDriftSeries("version_regression", [result(1)]).threshold).toBeNull();
  });

  it("takes MMD² of the larger text as the embedding secondary", () => {
    const s = prepareDriftSeries("embedding_drift", [result(1, { statistics: { prompt: { mmd: { mmd2: 0.01 } }, response: { mmd: { mmd2: 0.04 } } } })]);
    expect(s.points[0]!.secondary).toBe(0.04);
  });
});

describe("defaultWindowId", () => {
  it("opens the latest drift window, else the latest window", () => {
    expect(defaultWindowId([result(1), result(2, { verdict: "drift" }), result(3)])).toBe("r2");
    expect(defaultWindowId([result(1), result(3)])).toBe("r3");
    expect(defaultWindowId([])).toBeNull();
  });
});

describe("versionChangeMarkers", () => {
  it("keeps changes within the series span (including the first window) in time order", () => {
    const points = [{ t: Date.UTC(2026, 10, 2) }, { t: Date.UTC(2026, 10, 5) }];
    const change = (id: string, day: number) => ({ id, firstSeenNewAt: new Date(Date.UTC(2026, 10, day, 12)).toISOString(), fromVersion: "a", toVersion: `v${id}`, model: "gpt-4o", status: "regression" });
    const markers = versionChangeMarkers([change("late", 9), change("b", 3), change("a", 1)], points, 86_400);
    expect(markers.map((m) => m.id)).toEqual(["a", "b"]);
    expect(markers[1]!.label).toBe("gpt-4o → vb");
  });
});
