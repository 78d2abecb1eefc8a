import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "@/lib/duration";
import { backfillTicks, windowsAt } from "./windows";

describe("windows", () => {
  it("derives windows from the tick alone", () => {
    const w = windowsAt(new Date("2026-11-28T12:00:00Z"), 86_400, { type: "preceding" });
    expect(w.current.start.toISOString()).toBe("2026-11-27T12:00:00.000Z");
    expect(w.reference).toEqual({ start: new Date("2026-11-26T12:00:00Z"), end: new Date("2026-11-27T12:00:00Z") });
    const fixed = windowsAt(new Date("2026-11-28T12:00:00Z"), 3600, { type: "fixed", from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z" });
    expect(fixed.reference.end.toISOString()).toBe("2026-11-08T00:00:00.000Z");
  });
  it("backfills from the first tick whose windows can hold data", () => {
    const ticks = backfillTicks("0 * * * *", 3600, { type: "preceding" }, new Date("2026-11-28T00:30:00Z"), new Date("2026-11-28T06:10:00Z"), 100);
    expect(ticks.map((t) => t.toISOString().slice(11, 16))).toEqual(["02:00", "03:00", "04:00", "05:00", "06:00"]);
  });
  it("parses and formats durations", () => {
    expect(parseDuration("24h")).toBe(86_400);
    expect(parseDuration("7d")).toBe(604_800);
    expect(parseDuration("0h")).toBeNull();
    expect(parseDuration("1y")).toBeNull();
    expect(formatDuration(86_400)).toBe("1d");
    expect(formatDuration(5400)).toBe("90m");
  });
});
