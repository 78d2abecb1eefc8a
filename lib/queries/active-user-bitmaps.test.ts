import { describe, expect, it } from "vitest";
import { activeUserRanges, dayMasks, hourMasks, retentionMasks } from "./active-user-bitmaps";

const at = (iso: string) => Date.parse(iso);

describe("active-user bitmaps", () => {
  it("masks the hours that start inside a period, per UTC day", () => {
    expect(hourMasks(at("2026-12-12T22:00:00Z"), at("2026-12-13T02:00:00Z"))).toEqual([
      { day: "2026-12-12", mask: (1 << 22) | (1 << 23) },
      { day: "2026-12-13", mask: 0b11 },
    ]);
    // A start inside an hour leaves that hour out, as `hour >= from` over hourly rows does.
    expect(hourMasks(at("2026-12-12T10:30:00Z"), at("2026-12-12T12:00:00Z"))).toEqual([{ day: "2026-12-12", mask: 1 << 11 }]);
    expect(hourMasks(at("2026-12-12T10:00:00Z"), at("2026-12-12T10:00:00Z"))).toEqual([]);
  });

  it("masks whole days per block of 64, bit 63 as a signed bigint", () => {
    // Day 20,800 (2026-12-13) starts block 325; day 20,799 is bit 63 of block 324.
    expect(dayMasks(20_798, 20_801)).toEqual([
      { block: 324, mask: (-(2n ** 63n) + 2n ** 62n).toString() },
      { block: 325, mask: "1" },
    ]);
    expect(dayMasks(-1, 0)).toEqual([{ block: -1, mask: (-(2n ** 63n)).toString() }]);
  });

  it("splits a period into whole days and the hours of its edges", () => {
    const ranges = activeUserRanges({ from: new Date(at("2026-12-11T15:00:00Z")), to: new Date(at("2026-12-16T09:00:00Z")) });
    expect(ranges.hours).toEqual([
      { day: "2026-12-11", mask: 0xffffff & ~((1 << 15) - 1) },
      { day: "2026-12-16", mask: (1 << 9) - 1 },
    ]);
    // Dec 12 (bit 63, the sign bit) and Dec 13–15 (bits 0–2 of the next block).
    expect(ranges.days).toEqual([
      { block: 324, mask: (-(2n ** 63n)).toString() },
      { block: 325, mask: "7" },
    ]);
    // Within two days there is no whole day: hours only.
    const short = activeUserRanges({ from: new Date(at("2026-12-11T15:00:00Z")), to: new Date(at("2026-12-12T15:00:00Z")) });
    expect(short.days).toEqual([]);
    expect(short.hours.map((h) => h.day)).toEqual(["2026-12-11", "2026-12-12"]);
    // A 30-day period reads at most two blocks and two edge days.
    const month = activeUserRanges({ from: new Date(at("2026-11-01T15:00:00Z")), to: new Date(at("2026-12-01T15:00:00Z")) });
    expect(month.days.length).toBeLessThanOrEqual(2);
    expect(month.hours.length).toBe(2);
  });

  it("keeps the bits from the hour and the day of a retention horizon on", () => {
    const keep = retentionMasks(new Date(at("2026-12-14T05:20:00Z")));
    expect(keep.day).toBe("2026-12-14");
    expect(keep.keepHours).toBe(0xffffff & ~0b11111);
    expect(keep.block).toBe(325);
    expect(BigInt(keep.keepDays)).toBe(BigInt.asIntN(64, ~1n));
    expect(retentionMasks(new Date(at("2026-12-13T00:00:00Z"))).keepDays).toBe("-1");
  });
});
