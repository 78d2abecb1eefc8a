import { describe, expect, it } from "vitest";
import { suggestPeriod } from "./data-extent";

describe("suggestPeriod", () => {
  it("points an empty period at the last 7 days of data", () => {
    const s = suggestPeriod({ first: "2026-09-01T10:00:00Z", last: "2026-10-15T23:59:00Z", inPeriod: false });
    expect(s).toEqual({
      message: "No traces in this period. This project's traces are from 2026-09-01 to 2026-10-15 (UTC).",
      selection: { range: "custom", from: "2026-10-09", to: "2026-10-15" },
      label: "Show 2026-10-09 – 2026-10-15",
    });
  });
  it("does not reach before the first trace", () => {
    expect(suggestPeriod({ first: "2026-10-14T10:00:00Z", last: "2026-10-15T01:00:00Z", inPeriod: false })!.selection).toEqual({ range: "custom", from: "2026-10-14", to: "2026-10-15" });
    expect(suggestPeriod({ first: "2026-10-15T10:00:00Z", last: "2026-10-15T11:00:00Z", inPeriod: false })).toMatchObject({ label: "Show 2026-10-15", message: expect.stringContaining("on 2026-10-15") });
  });
  it("says nothing when the period has traces or the project has none", () => {
    expect(suggestPeriod({ first: "2026-09-01T10:00:00Z", last: "2026-10-15T23:59:00Z", inPeriod: true })).toBeNull();
    expect(suggestPeriod({ first: null, last: null, inPeriod: false })).toBeNull();
  });
});
