import { centroidDistance } from "./centroid";
import { classifierTest } from "./classifier";
import { asMatrix, selectRows, type Matrix } from "./matrix";
import { MMD_DEFAULT_PERMUTATIONS, mmdTest } from "./mmd";
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
  mmd: { mmd2: number; pValue: number; sigma: number; permutations: number };
  classifier: { auc: number };
  components: { bonferroniP: number; driftedShare: number };
  /** MMD p < alpha and classifier AUC ≥ auc threshold. */
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
 * distances (mean shift), MMD² with a median-heuristic Gaussian kernel (any
 * distributional change), a domain classifier's held-out AUC (linearly
 * separable change, with an effect size), and per-dimension KS on raw or
 * PCA axes (which directions moved). MMD uses a seeded subsample of at most
 * `mmdMaxRows` (default 1,000) rows per side; everything else uses all rows.
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
  const mmd = mmdTest(subsample(ref, maxRows, seed + 1), subsample(cur, maxRows, seed + 2), {
    seed,
    permutations: options.permutations ?? MMD_DEFAULT_PERMUTATIONS,
  });
  const classifier = classifierTest(ref, cur, { seed });
  const components = perDimensionKs(ref, cur);
  return {
    kind: "embedding",
    n: { reference: ref.rows, current: cur.rows },
    dim: ref.cols,
    centroid: centroidDistance(ref, cur),
    mmd,
    classifier: { auc: classifier.auc },
    components: { bonferroniP: components.bonferroniP, driftedShare: components.driftedShare },
    drift: mmd.pValue < thresholds.alpha && classifier.auc >= thresholds.auc,
  };
}
