import { kolmogorovSf, ks2SampleExactSf } from "./distributions";
import { sortedCopy } from "./quantile";

export type KsMethod = "exact" | "asymp";

export interface KsResult {
  /** D = sup_x |F_ref(x) − F_cur(x)| with right-continuous empirical CDFs. */
  statistic: number;
  pValue: number;
  method: KsMethod;
}

/** scipy ks_2samp(method="auto") computes the exact null distribution up to this sample size. */
export const KS_EXACT_MAX_N = 10_000;

/**
 * Two-sample, two-sided Kolmogorov–Smirnov test.
 *
 * D is the largest vertical gap between the two right-continuous empirical
 * CDFs, evaluated at every observed value (so ties are handled as scipy
 * does). The p-value follows scipy's `ks_2samp(method="auto")`: the exact
 * permutation distribution of D (Hodges' lattice-path count) when
 * max(n1, n2) ≤ 10,000, otherwise the one-sample Kolmogorov distribution at
 * n = round(n1·n2/(n1+n2)). `method` says which one was used; when the exact
 * computation is numerically impossible it falls back to "asymp".
 */
export function ksTwoSample(reference: ArrayLike<number>, current: ArrayLike<number>): KsResult {
  const a = sortedCopy(reference);
  const b = sortedCopy(current);
  return ksTwoSampleSorted(a, b);
}

export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("ksTwoSample: empty sample");
  let i = 0;
  let j = 0;
  let dmax = 0;
  let dmin = 0;
  // Walk the merged order; after consuming every copy of the current value in
  // both samples the ECDF difference is evaluated (right-continuity).
  while (i < n1 || j < n2) {
    const x = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < n1 && a[i]! <= x) i++;
    while (j < n2 && b[j]! <= x) j++;
    const diff = i / n1 - j / n2;
    if (diff > dmax) dmax = diff;
    if (diff < dmin) dmin = diff;
  }
  return Math.max(dmax, Math.min(1, Math.max(0, -dmin)));
}

export function ksTwoSampleSorted(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  const d = ksStatisticSorted(a, b);
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const exact = ks2SampleExactSf(n1, n2, d);
    if (exact) return { statistic: exact.d, pValue: exact.p, method: "exact" };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic: d, pValue: kolmogorovSf(roundHalfEven(en), d), method: "asymp" };
}

/** numpy's round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
