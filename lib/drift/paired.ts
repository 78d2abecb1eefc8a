import { logChoose, normalSf, studentTPpf, studentTSf } from "./distributions";
import { quantileSorted, sortedCopy } from "./quantile";
import { createRng } from "./random";

function differences(baseline: ArrayLike<number>, candidate: ArrayLike<number>): Float64Array {
  if (baseline.length !== candidate.length) throw new RangeError("paired samples must have equal length");
  const d = new Float64Array(baseline.length);
  for (let i = 0; i < d.length; i++) d[i] = candidate[i]! - baseline[i]!;
  return d;
}

/** Average ranks (1-based, ties get the mean of their positions) and the sizes of tie groups. */
export function rankWithTies(values: ArrayLike<number>): { ranks: Float64Array; tieSizes: number[] } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  const tieSizes: number[] = [];
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!]! === values[order[i]!]!) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    if (j > i) tieSizes.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, tieSizes };
}

export interface PairedTResult {
  /** t = mean(d) / (sd(d)/√n), d = candidate − baseline. */
  statistic: number;
  pValue: number;
  df: number;
  meanDifference: number;
  /** 95% confidence interval of the mean difference: mean ± t(0.975, n−1)·se. */
  ci95: [number, number];
}

/**
 * Paired t-test on d = candidate − baseline (scipy ttest_rel(candidate,
 * baseline)): is the mean per-item change zero? Two-sided p from Student's t
 * with n − 1 degrees of freedom, plus the t-based 95% CI of the mean change.
 */
export function pairedTTest(baseline: ArrayLike<number>, candidate: ArrayLike<number>): PairedTResult {
  const d = differences(baseline, candidate);
  const n = d.length;
  if (n < 2) throw new RangeError("paired t-test needs at least two pairs");
  let mean = 0;
  for (const x of d) mean += x;
  mean /= n;
  let ss = 0;
  for (const x of d) ss += (x - mean) ** 2;
  const se = Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
  const t = mean / se;
  const df = n - 1;
  const q = studentTPpf(0.975, df);
  return {
    statistic: t,
    pValue: Math.min(1, 2 * studentTSf(Math.abs(t), df)),
    df,
    meanDifference: mean,
    ci95: [mean - q * se, mean + q * se],
  };
}

/**
 * Percentile bootstrap confidence interval of the mean paired difference:
 * resample the n pairs with replacement `resamples` times (seeded), take the
 * type-7 quantiles of the resampled means at (1 − level)/2 and (1 + level)/2.
 * Makes no normality assumption, at the cost of Monte-Carlo noise.
 */
export function bootstrapMeanDifferenceCi(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  options: { seed?: number; resamples?: number; level?: number } = {},
): { lower: number; upper: number; resamples: number; level: number } {
  const d = differences(baseline, candidate);
  const n = d.length;
  if (n === 0) throw new RangeError("bootstrap needs at least one pair");
  const B = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  const rng = createRng(options.seed ?? 0);
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[rng.nextInt(n)]!;
    means[b] = s / n;
  }
  means.sort();
  return { lower: quantileSorted(means, (1 - level) / 2), upper: quantileSorted(means, (1 + level) / 2), resamples: B, level };
}

export interface RankTestResult {
  statistic: number;
  pValue: number;
  method: "exact" | "approx";
}

/** Null distribution of the signed-rank sum for n untied pairs (scipy `_get_wilcoxon_distr`). */
function wilcoxonPmf(n: number): Float64Array {
  let c = new Float64Array([1]);
  for (let k = 1; k <= n; k++) {
    const prev = c;
    c = new Float64Array((k * (k + 1)) / 2 + 1);
    const m = prev.length;
    for (let i = 0; i < m; i++) c[i] = prev[i]! * 0.5;
    for (let i = 0; i < m; i++) c[c.length - m + i]! += prev[i]! * 0.5;
  }
  return c;
}

/**
 * Wilcoxon signed-rank test on d = candidate − baseline, as scipy's
 * wilcoxon(candidate, baseline) with its defaults: T = min(R⁺, R⁻) over the
 * ranks of |d|; exact null distribution when n ≤ 50 and no d is zero,
 * otherwise zeros are dropped ("wilcox") and the normal approximation with
 * the tie correction of the variance is used (no continuity correction).
 */
export function wilcoxonSignedRank(baseline: ArrayLike<number>, candidate: ArrayLike<number>): RankTestResult {
  let d = differences(baseline, candidate);
  let method: "exact" | "approx" = d.length <= 50 ? "exact" : "approx";
  const nZero = d.filter((x) => x === 0).length;
  if (nZero > 0 && method === "exact") method = "approx";
  if (method === "approx") {
    if (nZero === d.length) throw new RangeError("Wilcoxon: every difference is zero");
    d = d.filter((x) => x !== 0);
  }
  const count = d.length;
  const abs = d.map(Math.abs);
  const { ranks, tieSizes } = rankWithTies(abs);
  let rPlus = 0;
  let rMinus = 0;
  for (let i = 0; i < count; i++) {
    if (d[i]! > 0) rPlus += ranks[i]!;
    else if (d[i]! < 0) rMinus += ranks[i]!;
  }
  const T = Math.min(rPlus, rMinus);
  if (method === "approx") {
    const mn = (count * (count + 1)) / 4;
    let se = count * (count + 1) * (2 * count + 1);
    for (const t of tieSizes) se -= 0.5 * t * (t * t - 1);
    se = Math.sqrt(se / 24);
    const z = (T - mn) / se;
    return { statistic: T, pValue: Math.min(1, 2 * normalSf(Math.abs(z))), method };
  }
  const pmf = wilcoxonPmf(count);
  const r = Math.trunc(rPlus); // scipy truncates a tied (half-integer) R⁺ here
  let p: number;
  if (r === (pmf.length - 1) >> 1) p = 1;
  else {
    let less = 0;
    let greater = 0;
    for (let i = 0; i <= r; i++) less += pmf[i]!;
    for (let i = r; i < pmf.length; i++) greater += pmf[i]!;
    p = Math.min(1, Math.max(0, 2 * Math.min(less, greater)));
  }
  return { statistic: T, pValue: p, method };
}

/**
 * Mann–Whitney U test of two independent samples (scipy mannwhitneyu(x, y,
 * method="asymptotic", use_continuity=True)): U = R_x − n_x(n_x+1)/2 from
 * average ranks in the pooled sample; two-sided p from the normal
 * approximation with the tie-corrected variance
 * n_x n_y/12 · ((n+1) − Σ(t³ − t)/(n(n−1))) and a ½ continuity correction.
 */
export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>): RankTestResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("Mann–Whitney needs two non-empty samples");
  const pooled = new Float64Array(n1 + n2);
  pooled.set(Array.from(x), 0);
  pooled.set(Array.from(y), n1);
  const { ranks, tieSizes } = rankWithTies(pooled);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const U = Math.max(u1, u2);
  const n = n1 + n2;
  let tieTerm = 0;
  for (const t of tieSizes) tieTerm += t ** 3 - t;
  const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = (U - (n1 * n2) / 2 - 0.5) / s;
  return { statistic: u1, pValue: Math.min(1, Math.max(0, 2 * normalSf(z))), method: "approx" };
}

/**
 * Exact McNemar test for paired binary outcomes: of the b + c discordant
 * pairs (b: baseline passed and candidate failed, c: the reverse), is b
 * Binomial(b + c, ½)? Two-sided p = min(1, 2·P(X ≤ min(b, c))), which equals
 * scipy's binomtest(b, b + c, 0.5) p-value.
 */
export function mcnemarExact(b: number, c: number): { b: number; c: number; pValue: number } {
  const n = b + c;
  if (n === 0) return { b, c, pValue: 1 };
  const k = Math.min(b, c);
  let cdf = 0;
  for (let j = 0; j <= k; j++) cdf += Math.exp(logChoose(n, j) - n * Math.LN2);
  return { b, c, pValue: Math.min(1, 2 * cdf) };
}

/** Counts b and c of McNemar from paired pass/fail outcomes. */
export function discordantPairs(baseline: readonly boolean[], candidate: readonly boolean[]): { b: number; c: number } {
  if (baseline.length !== candidate.length) throw new RangeError("paired samples must have equal length");
  let b = 0;
  let c = 0;
  for (let i = 0; i < baseline.length; i++) {
    if (baseline[i] && !candidate[i]) b++;
    else if (!baseline[i] && candidate[i]) c++;
  }
  return { b, c };
}

/**
 * Fisher's exact test on a 2×2 table [[a, b], [c, d]]: with the margins
 * fixed, a is hypergeometric; the two-sided p sums the probabilities of all
 * tables no more likely than the observed one (relative tolerance 1e-7, as R
 * does, so numerically tied tables count). Odds ratio ad/bc (sample, not MLE).
 */
export function fisherExact(table: readonly [readonly [number, number], readonly [number, number]]): { oddsRatio: number; pValue: number } {
  const [[a, b], [c, d]] = table;
  const r1 = a + b;
  const r2 = c + d;
  const c1 = a + c;
  const N = r1 + r2;
  const oddsRatio = b * c === 0 ? (a * d === 0 ? Number.NaN : Infinity) : (a * d) / (b * c);
  if (r1 === 0 || r2 === 0 || c1 === 0 || c1 === N) return { oddsRatio, pValue: 1 };
  const logDenom = logChoose(N, c1);
  const pmf = (x: number) => Math.exp(logChoose(r1, x) + logChoose(r2, c1 - x) - logDenom);
  const pObs = pmf(a);
  let p = 0;
  for (let x = Math.max(0, c1 - r2); x <= Math.min(r1, c1); x++) {
    const px = pmf(x);
    if (px <= pObs * (1 + 1e-7)) p += px;
  }
  return { oddsRatio, pValue: Math.min(1, p) };
}

/** p50 and p95 (type-7 linear interpolation) of a sample. */
export function summaryQuantiles(values: ArrayLike<number>): { p50: number; p95: number } {
  const s = sortedCopy(values);
  return { p50: quantileSorted(s, 0.5), p95: quantileSorted(s, 0.95) };
}
