import { describe, expect, it } from "vitest";
import {
  addHistograms,
  emptyHistogram,
  histogramOf,
  LATENCY_BUCKET_COUNT,
  latencyBucket,
  latencyBucketBounds,
  quantileFromHistogram,
} from "./latency-buckets";

function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

describe("latency buckets", () => {
  it("puts each latency in the bucket whose bounds hold it", () => {
    for (const ms of [0, 0.5, 1, 1.19, 2, 10, 99.9, 100, 640, 1234, 60_000, 599_000]) {
      const [lower, upper] = latencyBucketBounds(latencyBucket(ms));
      expect(ms).toBeGreaterThanOrEqual(lower);
      expect(ms).toBeLessThan(upper);
    }
    expect(latencyBucket(-5)).toBe(0);
    expect(latencyBucket(Number.NaN)).toBe(0);
    expect(latencyBucket(1e9)).toBe(LATENCY_BUCKET_COUNT - 1);
  });

  it("spans exact powers of the ratio on the right side", () => {
    expect(latencyBucket(1)).toBe(1);
    expect(latencyBucket(2)).toBe(5); // four buckets per doubling
    expect(latencyBucket(1024)).toBe(41);
  });

  it("reads quantiles within one bucket (±9.5 %) of the exact value", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = Array.from({ length: 20_000 }, () => Math.exp(5 + 1.2 * (rnd() + rnd() + rnd() - 1.5)));
    const h = histogramOf(values);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const estimate = quantileFromHistogram(h, q)!;
      const exact = exactQuantile(values, q);
      expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.095);
    }
  });

  it("adds histograms of hours into the histogram of the range", () => {
    const a = histogramOf([10, 20, 30]);
    const b = histogramOf([40, 5000]);
    expect(addHistograms(emptyHistogram(), a).reduce((s, n) => s + n, 0)).toBe(3);
    const sum = addHistograms(addHistograms(emptyHistogram(), a), b);
    expect(sum).toEqual(histogramOf([10, 20, 30, 40, 5000]));
  });

  it("answers null for an empty histogram and stays inside the data's bucket for one value", () => {
    expect(quantileFromHistogram(emptyHistogram(), 0.5)).toBeNull();
    const single = quantileFromHistogram(histogramOf([700]), 0.5)!;
    const [lower, upper] = latencyBucketBounds(latencyBucket(700));
    expect(single).toBeGreaterThanOrEqual(lower);
    expect(single).toBeLessThan(upper);
  });
});
