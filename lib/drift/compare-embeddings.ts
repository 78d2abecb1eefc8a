import { centroidDistance } from "./centroid";
import { classifierTest } from "./classifier";
import { asMatrix, selectRows, type Matrix } from "./matrix";
import { kernelWitnessAuc } from "./kernel-auc";
import { gaussianKernelPower, MMD_DEFAULT_PERMUTATIONS, pooledGaussianKernel } from "./mmd";
import { kernelPower, mmdMultiscaleTest, type MmdMultiscaleResult } from "./mmd-multiscale";
import { perDimensionKs } from "./per-dimension-ks";
import { createRng, permutation } from "./random";
import { DEFAULT_THRESHOLDS, type Thresholds } from "./thresholds";

/** MMD runs on a seeded subsample of at most this many rows per side (its cost is quadratic). */
export const MMD_MAX_ROWS = 1000;

export interface EmbeddingComparison {
  kind: "embedding";
  n: { reference: number; current: number };
  dim: number;
  centroid: { euclidean: number; cosine: number };
  /** MMD at the median-heuristic bandwidth alone. */
  mmd: { mmd2: number; pValue: number; sigma: number; permutations: number };
  /** MMD at σ, σ/2 and σ/4 combined by min-p: the verdict's significance. */
  mmdMultiscale: MmdMultiscaleResult;
  /** Linear domain classifier's held-out AUC: evidence of a linearly separable change (a mean shift). */
  classifier: { auc: number };
  /**
   * Held-out AUC of the MMD witness at the bandwidth the multi-scale test
   * chose (cross-fitted over two folds): the verdict's effect size.
   */
  kernel: { auc: number; folds: [number, number]; sigma: number; factor: number };
  components: { bonferroniP: number; driftedShare: number };
  /** Multi-scale MMD p < alpha and kernel AUC ≥ auc threshold. */
  drift: boolean;
}

export interface EmbeddingOptions {
  seed?: number;
  permutations?: number;
  mmdMaxRows?: number;
  thresholds?: Thresholds;
}

function subsample(m: Matrix, max: number, seed: number): Matrix {
  if (m.rows <= max) return m;
  const idx = permutation(m.rows, createRng(seed)).subarray(0, max);
  return selectRows(m, Int32Array.from(idx).sort());
}

/**
 * Compares two embedding windows with complementary tests: centroid
 * distances (mean shift), MMD² with Gaussian kernels at the median-heuristic
 * bandwidth and narrower ones (any distributional change, including spread
 * and shape), the held-out AUC of the MMD witness at the bandwidth that
 * differed most (the effect size of that change), a linear domain
 * classifier's held-out AUC (linearly separable change), and per-dimension
 * KS on raw or PCA axes (which directions moved). The kernel statistics use a
 * seeded subsample of at most `mmdMaxRows` (default 1,000) rows per side;
 * everything else uses all rows.
 */
export function compareEmbeddings(
  reference: Matrix | readonly ArrayLike<number>[],
  current: Matrix | readonly ArrayLike<number>[],
  options: EmbeddingOptions = {},
): EmbeddingComparison {
  const ref = asMatrix(reference);
  const cur = asMatrix(current);
  if (ref.rows < 2 || cur.rows < 2) throw new RangeError("compareEmbeddings: each sample needs at least two rows");
  if (ref.cols !== cur.cols) throw new RangeError(`compareEmbeddings: dimensions differ (${ref.cols} vs ${cur.cols})`);
  const seed = options.seed ?? 0;
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const maxRows = options.mmdMaxRows ?? MMD_MAX_ROWS;
  const x = subsample(ref, maxRows, seed + 1);
  const y = subsample(cur, maxRows, seed + 2);
  const { kernel, n: N, sigma } = pooledGaussianKernel(x, y);
  const permutations = options.permutations ?? MMD_DEFAULT_PERMUTATIONS;
  const multiscale = mmdMultiscaleTest(kernel, N, x.rows, sigma, { permutations, seed });
  const median = multiscale.bandwidths[0]!;
  const mmd = { mmd2: median.mmd2, pValue: median.pValue, sigma, permutations };
  const chosen = multiscale.bandwidths.findIndex((b) => b.factor === multiscale.chosen);
  const witness = kernelWitnessAuc(gaussianKernelPower(kernel, kernelPower(multiscale.chosen)), N, x.rows, { seed: seed + 3 });
  const classifier = classifierTest(ref, cur, { seed });
  const components = perDimensionKs(ref, cur);
  return {
    kind: "embedding",
    n: { reference: ref.rows, current: cur.rows },
    dim: ref.cols,
    centroid: centroidDistance(ref, cur),
    mmd,
    mmdMultiscale: multiscale,
    classifier: { auc: classifier.auc },
    kernel: { auc: witness.auc, folds: witness.folds, sigma: multiscale.bandwidths[chosen]!.sigma, factor: multiscale.chosen },
    components: { bonferroniP: components.bonferroniP, driftedShare: components.driftedShare },
    drift: multiscale.pValue < thresholds.alpha && witness.auc >= thresholds.auc,
  };
}
