import type { Matrix } from "./matrix";
import { fitPca, projectPca } from "./pca";

export interface Projection2d {
  /** Variance of the reference along each axis. */
  explainedVariance: [number, number];
  reference: [number, number][];
  current: [number, number][];
}

function toPoints(m: Matrix): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < m.rows; i++) out.push([m.data[i * m.cols]!, m.cols > 1 ? m.data[i * m.cols + 1]! : 0]);
  return out;
}

/**
 * 2-D scatter coordinates for the embedding chart: both windows projected on
 * the reference's first two principal components (centred on the reference
 * mean). Fitting on the reference keeps the axes fixed while the current
 * window moves, so drift shows as displacement on a stable map.
 */
export function projectTo2d(reference: Matrix, current: Matrix): Projection2d {
  if (reference.rows < 2) throw new RangeError("projection needs at least two reference rows");
  const pca = fitPca(reference, 2);
  return {
    explainedVariance: [pca.explainedVariance[0] ?? 0, pca.explainedVariance[1] ?? 0],
    reference: toPoints(projectPca(pca, reference)),
    current: toPoints(projectPca(pca, current)),
  };
}
