import { createRng } from "./random";
import { quantileSorted } from "./quantile";

/**
 * Percentile bootstrap CI of stat(after) − stat(before) for two independent
 * samples: each side is resampled with replacement, `resamples` times, from
 * one seeded generator. (lib/drift's bootstrap is the paired one.)
 */
export function bootstrapDifferenceCi(
  before: ArrayLike<number>,
  after: ArrayLike<number>,
  stat: (sample: Float64Array) => number,
  options: { seed?: number; resamples?: number; level?: number } = {},
): [number, number] {
  const B = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const rng = createRng(options.seed ?? 0);
  const a = new Float64Array(before.length);
  const b = new Float64Array(after.length);
  const diffs = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    for (let i = 0; i < a.length; i++) a[i] = before[rng.nextInt(before.length)]!;
    for (let i = 0; i < b.length; i++) b[i] = after[rng.nextInt(after.length)]!;
    diffs[r] = stat(b) - stat(a);
  }
  diffs.sort();
  return [quantileSorted(diffs, (1 - level) / 2), quantileSorted(diffs, (1 + level) / 2)];
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return x.length ? s / x.length : Number.NaN;
}

export function sd(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - m) ** 2;
  return x.length > 1 ? Math.sqrt(s / (x.length - 1)) : 0;
}

/** Quantile of an unsorted sample (type 7). */
export function quantileOf(x: Float64Array, p: number): number {
  const s = Float64Array.from(x).sort();
  return quantileSorted(s, p);
}

/** Wald 95% CI of the difference of two proportions (after − before). */
export function proportionDifferenceCi(xBefore: number, nBefore: number, xAfter: number, nAfter: number): [number, number] {
  const p1 = xBefore / nBefore;
  const p2 = xAfter / nAfter;
  const se = Math.sqrt((p1 * (1 - p1)) / nBefore + (p2 * (1 - p2)) / nAfter);
  const d = p2 - p1;
  return [d - 1.959964 * se, d + 1.959964 * se];
}
