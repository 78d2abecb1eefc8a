import { chi2Sf, normalCdf, normalPpf, studentTPpf, studentTSf } from "./distributions";

/**
 * Pooled tests of a change *within* strata (topics): each stratum compares
 * its reference rows with its current rows, and the strata are combined so
 * that a change of the mix of strata does not count — only what changed
 * inside them. Pooling gives the power that a few small strata, each tested
 * alone and then corrected for multiplicity, lack.
 */

/** One stratum of a rate: events and rows in the reference and in the current window. */
export type RateStratum = { referenceEvents: number; reference: number; currentEvents: number; current: number };

export interface CmhResult {
  /** Cochran–Mantel–Haenszel χ² (1 dof) with the ½ continuity correction. */
  statistic: number;
  pValue: number;
  /** Mantel–Haenszel pooled odds ratio, current vs reference (NaN when undefined). */
  oddsRatio: number;
  /** Mantel–Haenszel risk difference, current − reference: the average within-stratum change of the rate. */
  riskDifference: number;
  /** Its standard error (Greenland–Robins variance). */
  riskDifferenceSe: number;
  /** Strata that entered (at least one row on each side and two in all). */
  strata: number;
}

/**
 * Cochran–Mantel–Haenszel test of conditional independence over 2×2 tables
 * (reference/current × event/no event), as statsmodels
 * `StratifiedTable.test_null_odds(correction=True)`:
 * χ² = (|Σ (a − E[a])| − ½)² / Σ Var(a), E[a] = n_ref·m₁/N, Var(a) =
 * n_ref·n_cur·m₁·m₀ / (N²(N − 1)), with a the reference events and m₁, m₀
 * the event and non-event totals of the stratum. Strata with a side empty
 * carry no information and are left out. With it the Mantel–Haenszel risk
 * difference Σ w_h (p_cur − p_ref) / Σ w_h, w_h = n_ref·n_cur / N, and its
 * Greenland–Robins (1985) variance
 * Σ (x_c(n_c − x_c)·n_r³ + x_r(n_r − x_r)·n_c³) / (n_r·n_c·N²) / (Σ w_h)²,
 * which reduces to the Wald variance for one stratum.
 */
export function cochranMantelHaenszel(strata: readonly RateStratum[]): CmhResult {
  let diff = 0;
  let variance = 0;
  let orNum = 0;
  let orDen = 0;
  let rdNum = 0;
  let weight = 0;
  let rdVar = 0;
  let used = 0;
  for (const s of strata) {
    const nr = s.reference;
    const nc = s.current;
    const N = nr + nc;
    if (nr < 1 || nc < 1 || N < 2) continue;
    used++;
    const a = s.referenceEvents;
    const b = nr - a;
    const c = s.currentEvents;
    const d = nc - c;
    const m1 = a + c;
    const m0 = b + d;
    diff += a - (nr * m1) / N;
    variance += (nr * nc * m1 * m0) / (N * N * (N - 1));
    orNum += (c * b) / N;
    orDen += (a * d) / N;
    const w = (nr * nc) / N;
    rdNum += w * (c / nc - a / nr);
    weight += w;
    rdVar += (c * d * nr ** 3 + a * b * nc ** 3) / (nr * nc * N * N);
  }
  const corrected = Math.max(0, Math.abs(diff) - 0.5);
  const statistic = variance > 0 ? (corrected * corrected) / variance : 0;
  const riskDifference = weight > 0 ? rdNum / weight : 0;
  return {
    statistic,
    pValue: variance > 0 ? chi2Sf(statistic, 1) : 1,
    oddsRatio: orDen > 0 ? orNum / orDen : Number.NaN,
    riskDifference,
    riskDifferenceSe: weight > 0 ? Math.sqrt(rdVar) / weight : 0,
    strata: used,
  };
}

/** One stratum of a score: the values in the reference and in the current window. */
export type MeanStratum = { reference: readonly number[]; current: readonly number[] };

export interface StratifiedMeanResult {
  /** Σ w_h (mean_cur − mean_ref) / Σ w_h with w_h = n_ref·n_cur / (n_ref + n_cur). */
  difference: number;
  /** Its standard error from the per-stratum variances s²_cur/n_cur + s²_ref/n_ref (ddof 1). */
  se: number;
  /** Welch–Satterthwaite degrees of freedom of the combined variance. */
  df: number;
  t: number;
  /** Two-sided, Student's t with `df` degrees of freedom. */
  pValue: number;
  /** The difference in pooled within-stratum reference SDs (the effect size). */
  standardized: number;
  /** Pooled within-stratum SD of the reference. */
  referenceSd: number;
  strata: number;
}

function meanVar(x: readonly number[]): { mean: number; variance: number } {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let ss = 0;
  for (const v of x) ss += (v - m) * (v - m);
  return { mean: m, variance: ss / (x.length - 1) };
}

/**
 * Stratified difference of means: the within-stratum differences combined
 * with the Cochran–Mantel–Haenszel weights n_ref·n_cur/(n_ref + n_cur) (the
 * weights of the stratified rank tests; unlike inverse-variance weights they
 * cannot be thrown by a stratum whose scores happen to be all equal), its
 * variance Σ w²(s²_cur/n_cur + s²_ref/n_ref) / (Σ w)², and a t test with
 * Welch–Satterthwaite degrees of freedom. Strata need two values on each side.
 */
export function stratifiedMeanDifference(strata: readonly MeanStratum[]): StratifiedMeanResult {
  const parts: { w: number; d: number; vr: number; vc: number; nr: number; nc: number }[] = [];
  let refSs = 0;
  let refDf = 0;
  for (const s of strata) {
    const nr = s.reference.length;
    const nc = s.current.length;
    if (nr < 2 || nc < 2) continue;
    const r = meanVar(s.reference);
    const c = meanVar(s.current);
    parts.push({ w: (nr * nc) / (nr + nc), d: c.mean - r.mean, vr: r.variance / nr, vc: c.variance / nc, nr, nc });
    refSs += r.variance * (nr - 1);
    refDf += nr - 1;
  }
  const W = parts.reduce((s, p) => s + p.w, 0);
  const referenceSd = refDf > 0 ? Math.sqrt(refSs / refDf) : 0;
  if (parts.length === 0 || W === 0) {
    return { difference: 0, se: 0, df: 0, t: 0, pValue: 1, standardized: 0, referenceSd, strata: 0 };
  }
  let difference = 0;
  let variance = 0;
  let dfDen = 0;
  for (const p of parts) {
    const u = p.w / W;
    difference += u * p.d;
    variance += u * u * (p.vr + p.vc);
    dfDen += (u * u * p.vc) ** 2 / (p.nc - 1) + (u * u * p.vr) ** 2 / (p.nr - 1);
  }
  const se = Math.sqrt(variance);
  const df = dfDen > 0 ? (variance * variance) / dfDen : Infinity;
  const t = se > 0 ? difference / se : difference === 0 ? 0 : Math.sign(difference) * Infinity;
  const pValue = se > 0 ? Math.min(1, 2 * studentTSf(Math.abs(t), df)) : difference === 0 ? 1 : 0;
  return { difference, se, df, t, pValue, standardized: referenceSd > 0 ? difference / referenceSd : 0, referenceSd, strata: parts.length };
}

/** Smallest x in [0, limit] with f(x) ≥ target for an increasing f (bisection); `limit` when none. */
function smallestReaching(f: (x: number) => number, target: number, limit: number): number {
  if (f(limit) < target) return limit;
  let lo = 0;
  let hi = limit;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Detectable increase of a rate: the smallest absolute increase δ of every
 * stratum's reference rate that the Cochran–Mantel–Haenszel test (with its
 * continuity correction) finds at `alpha` with probability `power`, for
 * strata of these sizes and these reference rates. Normal approximation of
 * the CMH score U = Σ (n_ref·x_cur − n_cur·x_ref)/N: mean Σ w_h·δ (w_h =
 * n_ref·n_cur/N), null variance Σ w_h·p̄_h(1 − p̄_h) with p̄_h the stratum's
 * pooled rate, variance under the change Σ (n_ref²·n_cur·p₁q₁ +
 * n_cur²·n_ref·p₀q₀)/N²; power = Φ((E U − ½ − z₁₋α/₂·√V₀) / √V₁). Capped at
 * the increase that takes the highest rate to 1.
 */
export function detectableRateIncrease(
  strata: readonly { reference: number; current: number; rate: number }[],
  options: { alpha: number; power?: number },
): number {
  const used = strata.filter((s) => s.reference >= 1 && s.current >= 1);
  if (used.length === 0) return Number.NaN;
  const za = normalPpf(1 - options.alpha / 2);
  const powerAt = (delta: number) => {
    let mean = 0;
    let v0 = 0;
    let v1 = 0;
    for (const s of used) {
      const N = s.reference + s.current;
      const p0 = s.rate;
      const p1 = Math.min(1, p0 + delta);
      const pooled = (s.reference * p0 + s.current * p1) / N;
      const w = (s.reference * s.current) / N;
      mean += w * (p1 - p0);
      v0 += (w * pooled * (1 - pooled) * N) / Math.max(1, N - 1);
      v1 += (s.reference ** 2 * s.current * p1 * (1 - p1) + s.current ** 2 * s.reference * p0 * (1 - p0)) / (N * N);
    }
    if (v1 <= 0) return mean - 0.5 > za * Math.sqrt(v0) ? 1 : 0;
    return normalCdf((mean - 0.5 - za * Math.sqrt(v0)) / Math.sqrt(v1));
  };
  const limit = 1 - Math.max(...used.map((s) => s.rate));
  return smallestReaching(powerAt, options.power ?? 0.8, limit);
}

/**
 * Detectable change of a mean, in the reference's units: the smallest shift
 * of every stratum's mean that the stratified difference of means finds at
 * `alpha` with probability `power`, each stratum's spread taken from the
 * reference (`sd`) on both sides: δ = (t₁₋α/₂ + t_power)·SE with Student's t
 * at the Welch–Satterthwaite degrees of freedom the test would use.
 */
export function detectableMeanShift(
  strata: readonly { reference: number; current: number; sd: number }[],
  options: { alpha: number; power?: number },
): number {
  const used = strata.filter((s) => s.reference >= 2 && s.current >= 2);
  const W = used.reduce((a, s) => a + (s.reference * s.current) / (s.reference + s.current), 0);
  if (W === 0) return Number.NaN;
  let v = 0;
  let dfDen = 0;
  for (const s of used) {
    const u = (s.reference * s.current) / (s.reference + s.current) / W;
    const vr = (s.sd * s.sd) / s.reference;
    const vc = (s.sd * s.sd) / s.current;
    v += u * u * (vr + vc);
    dfDen += (u * u * vc) ** 2 / (s.current - 1) + (u * u * vr) ** 2 / (s.reference - 1);
  }
  if (v === 0) return 0;
  const df = dfDen > 0 ? (v * v) / dfDen : 1e6;
  return (studentTPpf(1 - options.alpha / 2, df) + studentTPpf(options.power ?? 0.8, df)) * Math.sqrt(v);
}
