import { ksTwoSampleSorted } from "./ks";
import { column, type Matrix } from "./matrix";
import { fitPca, projectPca } from "./pca";

/** Up to this many dimensions are tested raw; above it, on the reference's top PCA components. */
export const MAX_TESTED_DIMENSIONS = 32;

export interface PerDimensionKsResult {
  /** min(1, m · min_j p_j) over the m tested dimensions — a family-wise p-value. */
  bonferroniP: number;
  /** Share of tested dimensions with p_j < 0.05 / m. */
  driftedShare: number;
  /** "raw" when each input dimension was tested, "pca" when the top components were. */
  basis: "raw" | "pca";
  pValues: number[];
  statistics: number[];
}

/**
 * Univariate KS tests per dimension with a Bonferroni correction. Embedding
 * coordinates are individually meaningless beyond a few dozen, so above 32
 * dimensions the tests run on the projections onto the reference's top-32
 * principal components (centred on the reference mean), which carry most of
 * the variance and are uncorrelated in the reference.
 */
export function perDimensionKs(reference: Matrix, current: Matrix): PerDimensionKsResult {
  let a = reference;
  let b = current;
  let basis: "raw" | "pca" = "raw";
  if (reference.cols > MAX_TESTED_DIMENSIONS) {
    const pca = fitPca(reference, MAX_TESTED_DIMENSIONS);
    a = projectPca(pca, reference);
    b = projectPca(pca, current);
    basis = "pca";
  }
  const m = a.cols;
  const pValues: number[] = [];
  const statistics: number[] = [];
  for (let j = 0; j < m; j++) {
    const x = column(a, j).sort();
    const y = column(b, j).sort();
    const r = ksTwoSampleSorted(x, y);
    pValues.push(r.pValue);
    statistics.push(r.statistic);
  }
  const minP = Math.min(...pValues);
  const threshold = 0.05 / m;
  return {
    bonferroniP: Math.min(1, m * minP),
    driftedShare: pValues.filter((p) => p < threshold).length / m,
    basis,
    pValues,
    statistics,
  };
}
