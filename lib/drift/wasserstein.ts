import { sortedCopy, standardDeviation } from "./quantile";

/**
 * Wasserstein-1 (earth mover's) distance between two empirical distributions
 * on the line: W1 = ∫ |F_ref(x) − F_cur(x)| dx, integrated exactly between
 * consecutive pooled order statistics (scipy.stats.wasserstein_distance).
 * It is in the units of the data.
 */
export function wasserstein1(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const a = sortedCopy(reference);
  const b = sortedCopy(current);
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let total = 0;
  // Merge order: the next pooled value is min(a[i], b[j]).
  let prev = Math.min(a[0]!, b[0]!);
  while (i < n1 || j < n2) {
    const x = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    if (x !== prev) {
      // Both CDFs are constant on [prev, x); counts ≤ prev are i and j.
      total += Math.abs(i / n1 - j / n2) * (x - prev);
      prev = x;
    }
    if (j >= n2 || (i < n1 && a[i]! <= b[j]!)) i++;
    else j++;
  }
  return total;
}

/**
 * W1 divided by the reference's standard deviation (population, ddof = 0),
 * making it unit-free: 0.1 means the mass moved a tenth of a reference SD on
 * average. Null when the reference is constant.
 */
export function wasserstein1Normed(reference: ArrayLike<number>, current: ArrayLike<number>): number | null {
  const sd = standardDeviation(reference, 0);
  if (!(sd > 0)) return null;
  return wasserstein1(reference, current) / sd;
}
