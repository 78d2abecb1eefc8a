import { describe, expect, it } from "vitest";
import { pivotRoutingSeries, prepareScatter, relativeDelta, type RoutingPointSource } from "./prepare-routing";

const p = (t: string, key: string, requests: number, extra: Partial<RoutingPointSource> = {}): RoutingPointSource => ({
  t,
  key,
  requests,
  costPerRequestUsd: 0.01,
  latencyP50Ms: 100,
  latencyP95Ms: 200,
  errorRate: 0,
  refusalRate: 0,
  score: null,
  ...extra,
});

describe("pivotRoutingSeries", () => {
  const points = [p("2026-11-01T00:00:00.000Z", "a", 3), p("2026-11-01T00:00:00.000Z", "b", 1, { latencyP95Ms: 900 }), p("2026-11-02T00:00:00.000Z", "a", 2)];

  it("computes traffic share per bucket, zero for absent keys", () => {
    const rows = pivotRoutingSeries(points, ["a", "b"], "share", (t) => t.slice(0, 10));
    expect(rows).toEqual([
      { label: "2026-11-01", a: 0.75, b: 0.25 },
      { label: "2026-11-02", a: 1, b: 0 },
    ]);
  });

  it("leaves gaps (null) for a metric of a key without traffic", () => {
    const rows = pivotRoutingSeries(points, ["a", "b"], "latencyP95Ms", (t) => t.slice(0, 10));
    expect(rows[0]).toMatchObject({ a: 200, b: 900 });
    expect(rows[1]).toMatchObject({ a: 200, b: null });
  });
});

describe("prepareScatter", () => {
  it("keeps points with both cost and score, largest first, named by model and route", () => {
    const out = prepareScatter([
      { model: "m1", route: "r", requests: 5, costPerRequestUsd: 0.01, score: 0.9, latencyP95Ms: 1 },
      { model: "m2", route: "", requests: 50, costPerRequestUsd: 0.001, score: 0.7, latencyP95Ms: 1 },
      { model: "m3", route: "", requests: 50, costPerRequestUsd: 0.001, score: null, latencyP95Ms: 1 },
    ]);
    expect(out.map((o) => o.name)).toEqual(["m2", "m1 · r"]);
  });

  it("relative delta", () => {
    expect(relativeDelta(2, 3)).toBe(0.5);
    expect(relativeDelta(0, 3)).toBeNull();
  });
});
