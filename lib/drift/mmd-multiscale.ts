import { mmdPermutationStatistics } from "./mmd";

/** Bandwidths of the multi-scale test, as multiples of the median-heuristic σ. */
export const MMD_BANDWIDTH_FACTORS = [1, 0.5, 0.25] as const;

/** The power of the median-bandwidth kernel that is the kernel at f·σ: 1/f² (f = 1, ½, ¼, … → 1, 4, 16, …). */
export function kernelPower(factor: number): number {
  return Math.round(1 / (factor * factor));
}

export interface MmdBandwidthResult {
  /** Multiple of the median-heuristic σ. */
  factor: number;
  sigma: number;
  mmd2: number;
  /** This bandwidth's own permutation p-value (before the adjustment for trying several). */
  pValue: number;
  /** The observed MMD² standardised by the mean and SD of its permutation distribution. */
  z: number;
}

export interface MmdMultiscaleResult {
  /**
   * Permutation p-value of the largest standardised MMD² over the bandwidths
   * (calibrated by the same relabellings): valid at any level although
   * several bandwidths were tried.
   */
  pValue: number;
  /** The bandwidth with the largest standardised MMD² (the first one on ties) — the scale at which the windows differ most. */
  chosen: number;
  bandwidths: MmdBandwidthResult[];
  permutations: number;
}

/** Each of the values standardised by the mean and SD of all of them. */
function standardise(values: Float64Array): Float64Array {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const sd = Math.sqrt(ss / Math.max(1, values.length - 1));
  return values.map((v) => (sd > 0 ? (v - mean) / sd : 0));
}

/**
 * MMD at several Gaussian bandwidths — the median heuristic σ and smaller
 * ones (`MMD_BANDWIDTH_FACTORS`) — combined into one permutation test of the
 * largest standardised statistic: every relabelling gives an MMD² per
 * bandwidth; each bandwidth's values (the observed one and the B
 * relabellings') are standardised by their own mean and SD, and the observed
 * maximum over bandwidths is ranked among the relabellings' maxima. The
 * standardisation treats all B + 1 labellings alike, so the test keeps its
 * level although several bandwidths were tried, and its p-value has the
 * single test's resolution 1/(B + 1). The median heuristic alone is blind to changes of shape that
 * keep the mean and covariance (one mode becoming two): with mean and
 * covariance equal, a wide kernel sees only the fourth and higher moments,
 * which a narrower kernel resolves.
 *
 * `base` is the pooled kernel at the median-heuristic σ (rows 0…m−1 the
 * reference), as `pooledGaussianKernel` returns it; the narrower kernels are
 * its entry-wise powers 1/f² (never stored).
 */
export function mmdMultiscaleTest(
  base: Float64Array,
  N: number,
  m: number,
  sigma: number,
  options: { permutations: number; seed: number; factors?: readonly number[] },
): MmdMultiscaleResult {
  const factors = options.factors ?? MMD_BANDWIDTH_FACTORS;
  const B = options.permutations;
  const { observed, permuted } = mmdPermutationStatistics(base, factors.map(kernelPower), N, m, B, options.seed);
  // Per bandwidth: the observed statistic joins its B relabellings (observed at index B).
  const z = factors.map((_, k) => {
    const all = new Float64Array(B + 1);
    all.set(permuted[k]!, 0);
    all[B] = observed[k]!;
    return standardise(all);
  });
  const maxZ = new Float64Array(B + 1).fill(-Infinity);
  for (const zk of z) for (let b = 0; b <= B; b++) if (zk[b]! > maxZ[b]!) maxZ[b] = zk[b]!;
  let atLeast = 0;
  for (let b = 0; b <= B; b++) if (maxZ[b]! >= maxZ[B]!) atLeast++;
  let chosen = 0;
  for (let k = 1; k < factors.length; k++) if (z[k]![B]! > z[chosen]![B]!) chosen = k;
  const ownP = (k: number) => {
    let c = 1;
    for (const t of permuted[k]!) if (t >= observed[k]!) c++;
    return c / (B + 1);
  };
  return {
    pValue: atLeast / (B + 1),
    chosen: factors[chosen]!,
    bandwidths: factors.map((factor, k) => ({ factor, sigma: factor * sigma, mmd2: observed[k]!, pValue: ownP(k), z: z[k]![B]! })),
    permutations: B,
  };
}
