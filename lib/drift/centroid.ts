import { columnMeans, type Matrix } from "./matrix";

export interface CentroidDistance {
  /** ‖μ_ref − μ_cur‖₂ between the window means. */
  euclidean: number;
  /** 1 − cos(μ_ref, μ_cur); 0 when the mean directions agree (scipy.spatial.distance.cosine). */
  cosine: number;
}

/**
 * Distances between the centroids (column means) of two embedding windows.
 * Cheap and interpretable, but blind to changes that keep the mean (spread,
 * new clusters balanced around it) — which is what MMD is for.
 */
export function centroidDistance(reference: Matrix, current: Matrix): CentroidDistance {
  const a = columnMeans(reference);
  const b = columnMeans(current);
  let ss = 0;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let j = 0; j < a.length; j++) {
    const x = a[j]!;
    const y = b[j]!;
    ss += (x - y) * (x - y);
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  const denom = Math.sqrt(aa) * Math.sqrt(bb);
  return { euclidean: Math.sqrt(ss), cosine: denom > 0 ? 1 - ab / denom : Number.NaN };
}
