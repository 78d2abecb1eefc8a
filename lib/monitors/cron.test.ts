import { describe, expect, it } from "vitest";
import { CronError, cronTicksBetween, nextCronTick, parseCron } from "./cron";

const next = (expr: string, after: string) => nextCronTick(parseCron(expr), new Date(after)).toISOString();

describe("cron", () => {
  it("finds the next tick of common schedules (UTC)", () => {
    expect(next("0 * * * *", "2026-11-28T10:15:00Z")).toBe("2026-11-28T11:00:00.000Z");
    expect(next("0 * * * *", "2026-11-28T10:00:00Z")).toBe("2026-11-28T11:00:00.000Z");
    expect(next("*/15 * * * *", "2026-11-28T10:15:30Z")).toBe("2026-11-28T10:30:00.000Z");
    expect(next("30 6 * * *", "2026-11-28T07:00:00Z")).toBe("2026-11-29T06:30:00.000Z");
    expect(next("0 0 1 * *", "2026-12-15T00:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
    expect(next("0 9 * * mon-fri", "2026-11-28T10:00:00Z")).toBe("2026-11-30T09:00:00.000Z"); // Saturday → Monday
    expect(next("0 0 29 feb *", "2026-03-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
    expect(next("0 12 * * 7", "2026-11-28T00:00:00Z")).toBe("2026-11-29T12:00:00.000Z"); // 7 = Sunday
  });

  it("matches either day field when both are restricted (Vixie cron)", () => {
    // The 1st of the month or any Monday.
    expect(next("0 0 1 * 1", "2026-11-24T00:00:00Z")).toBe("2026-11-30T00:00:00.000Z");
    expect(next("0 0 1 * 1", "2026-11-30T00:00:00Z")).toBe("2026-12-01T00:00:00.000Z");
  });

  it("lists ticks in a range, keeping the latest", () => {
    const ticks = cronTicksBetween(parseCron("0 */6 * * *"), new Date("2026-11-28T00:00:00Z"), new Date("2026-11-29T00:00:00Z"));
    expect(ticks.map((t) => t.toISOString().slice(11, 13))).toEqual(["06", "12", "18", "00"]);
    expect(cronTicksBetween(parseCron("0 * * * *"), new Date("2026-11-28T00:00:00Z"), new Date("2026-11-29T00:00:00Z"), 3)).toHaveLength(3);
  });

  it("rejects malformed expressions with the field named", () => {
    expect(() => parseCron("* * * *")).toThrow(CronError);
    expect(() => parseCron("60 * * * *")).toThrow(/minute/);
    expect(() => parseCron("* 24 * * *")).toThrow(/hour/);
    expect(() => parseCron("*/0 * * * *")).toThrow(/step/);
    expect(() => parseCron("* * * foo *")).toThrow(/month/);
    expect(() => nextCronTick(parseCron("0 0 31 2 *"), new Date())).toThrow(/no tick/);
  });
});
