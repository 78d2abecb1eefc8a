import { describe, expect, it } from "vitest";
import { alertEvidenceHref, alertVersionChangeHrefs, describeOpenAlerts, firingAlerts, type AlertLike } from "./alerts";

const alert = (id: string, state: AlertLike["state"], lastFiredAt: string, vc?: string[]): AlertLike => ({
  id,
  state,
  monitor: { id: `m-${id}`, name: `Monitor ${id}` },
  lastFiredAt,
  firstEvidence: { resultId: `first-${id}`, windowEnd: lastFiredAt, versionChangeIds: vc },
  lastEvidence: { resultId: `last-${id}`, windowEnd: lastFiredAt, versionChangeIds: vc },
});

describe("alerts", () => {
  it("links an alert to its latest evidence window on the monitor page", () => {
    expect(alertEvidenceHref("demo", alert("a", "firing", "2026-11-02T00:00:00Z"))).toBe("/p/demo/drift/m-a?window=last-a");
  });

  it("links the version changes behind a regression once each", () => {
    expect(alertVersionChangeHrefs("demo", alert("a", "firing", "2026-11-02T00:00:00Z", ["v1"]))).toEqual(["/p/demo/regressions/v1"]);
    expect(alertVersionChangeHrefs("demo", alert("a", "firing", "2026-11-02T00:00:00Z"))).toEqual([]);
  });

  it("keeps firing alerts, most recent first", () => {
    const list = firingAlerts([alert("a", "firing", "2026-11-01T00:00:00Z"), alert("b", "resolved", "2026-11-03T00:00:00Z"), alert("c", "firing", "2026-11-02T00:00:00Z")]);
    expect(list.map((a) => a.id)).toEqual(["c", "a"]);
  });

  it("describes the open alerts", () => {
    expect(describeOpenAlerts({ firing: 0, monitors: [] })).toBe("No monitor is firing");
    expect(describeOpenAlerts({ firing: 4, monitors: ["a", "b", "c", "d"] })).toBe("a, b, c, +1 more");
  });
});
