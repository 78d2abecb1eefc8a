import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("allows a burst, then asks to wait, then refills at the rate", () => {
    let now = 0;
    const limiter = new RateLimiter(2, 3, () => now);
    expect([limiter.take("k"), limiter.take("k"), limiter.take("k")]).toEqual([0, 0, 0]);
    expect(limiter.take("k")).toBe(1);
    now += 500; // one token back at 2/s
    expect(limiter.take("k")).toBe(0);
    expect(limiter.take("k")).toBeGreaterThanOrEqual(1);
  });

  it("keeps keys apart and can be disabled", () => {
    const limiter = new RateLimiter(1, 1, () => 0);
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("b")).toBe(0);
    expect(limiter.take("a")).toBe(1);
    const off = new RateLimiter(0, 0);
    for (let i = 0; i < 10; i++) expect(off.take("a")).toBe(0);
  });
});
