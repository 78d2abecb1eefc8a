import { describe, expect, it } from "vitest";
import { parsePeriodSelection, previousPeriod, resolvePeriod, selectionToSearch, seriesUnit } from "./period";

describe("dashboard periods", () => {
  const now = new Date("2026-11-28T19:42:10Z");

  it("aligns presets to whole UTC hours ending with the current hour", () => {
    const p = resolvePeriod({ range: "24h" }, now);
    expect(p.to.toISOString()).toBe("2026-11-28T20:00:00.000Z");
    expect(p.from.toISOString()).toBe("2026-11-27T20:00:00.000Z");
    expect(seriesUnit(p)).toBe("hour");
    expect(seriesUnit(resolvePeriod({ range: "30d" }, now))).toBe("day");
  });

  it("reads a custom period as UTC days with `to` inclusive", () => {
    const parsed = parsePeriodSelection({ range: "custom", from: "2026-11-01", to: "2026-11-03" });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const p = resolvePeriod(parsed.value, now);
    expect(p.from.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(p.to.toISOString()).toBe("2026-11-04T00:00:00.000Z");
    expect(previousPeriod(p).from.toISOString()).toBe("2026-10-29T00:00:00.000Z");
    expect(selectionToSearch(parsed.value)).toBe("range=custom&from=2026-11-01&to=2026-11-03");
  });

  it("names every bad parameter", () => {
    expect(parsePeriodSelection({ range: "2w" })).toEqual({ ok: false, errors: [{ path: "query.range", message: "must be 24h, 7d, 30d or custom" }] });
    const bad = parsePeriodSelection({ range: "custom", from: "2026-13-01", to: "yesterday" });
    expect(bad.ok ? [] : bad.errors.map((e) => e.path)).toEqual(["query.from", "query.to"]);
    const reversed = parsePeriodSelection({ range: "custom", from: "2026-11-05", to: "2026-11-01" });
    expect(reversed.ok ? [] : reversed.errors.map((e) => e.path)).toEqual(["query.to"]);
  });
});
