import type { Matrix } from "./matrix";
import { createRng } from "./random";

export interface KMeansResult {
  k: number;
  /** k×d centroids, row-major. */
  centroids: Float64Array;
  /** Cluster index of each input row. */
  assignments: Int32Array;
  /** Sum of squared distances of rows to their centroid. */
  inertia: number;
  iterations: number;
}

/**
 * Default number of clusters: k = round(√(n/2)) clamped to [1, 8] — the
 * classic rule of thumb, capped because the dashboard shows topic clusters
 * and more than eight colours stop being readable.
 */
export function defaultClusterCount(n: number): number {
  return Math.max(1, Math.min(8, Math.round(Math.sqrt(n / 2))));
}

function sqDist(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const x = a[ao + t]! - b[bo + t]!;
    s += x * x;
  }
  return s;
}

/** Index of the nearest centroid (ties go to the lower index) for each row of x. */
export function assignNearest(x: Matrix, centroids: Float64Array, k: number): Int32Array {
  const d = x.cols;
  const out = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const dist = sqDist(x.data, i * d, centroids, c * d, d);
      if (dist < bestD) {
        bestD = dist;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * k-means (Lloyd's algorithm) with k-means++ seeding (Arthur & Vassilvitskii
 * 2007): the first centre is a uniformly chosen row, each next one is drawn
 * with probability proportional to its squared distance to the nearest
 * centre already chosen; all draws come from the seeded generator. Iterates
 * assign → recompute means until no assignment changes (or 300 rounds); a
 * cluster that empties keeps its previous centre.
 */
export function kMeans(x: Matrix, options: { k?: number; seed?: number; maxIterations?: number } = {}): KMeansResult {
  const n = x.rows;
  const d = x.cols;
  if (n === 0) throw new RangeError("k-means needs at least one row");
  const k = Math.min(options.k ?? defaultClusterCount(n), n);
  const rng = createRng(options.seed ?? 0);
  const centroids = new Float64Array(k * d);
  const first = rng.nextInt(n);
  centroids.set(x.data.subarray(first * d, first * d + d), 0);
  const nearest = new Float64Array(n);
  for (let i = 0; i < n; i++) nearest[i] = sqDist(x.data, i * d, centroids, 0, d);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i]!;
    let pick = n - 1;
    if (total > 0) {
      let r = rng.next() * total;
      for (let i = 0; i < n; i++) {
        r -= nearest[i]!;
        if (r < 0) {
          pick = i;
          break;
        }
      }
    } else pick = rng.nextInt(n);
    centroids.set(x.data.subarray(pick * d, pick * d + d), c * d);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i]!, sqDist(x.data, i * d, centroids, c * d, d));
  }
  let assignments = assignNearest(x, centroids, k);
  const maxIter = options.maxIterations ?? 300;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    const sums = new Float64Array(k * d);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = assignments[i]!;
      counts[c]!++;
      for (let t = 0; t < d; t++) sums[c * d + t]! += x.data[i * d + t]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let t = 0; t < d; t++) centroids[c * d + t] = sums[c * d + t]! / counts[c]!;
    }
    const next = assignNearest(x, centroids, k);
    let changed = false;
    for (let i = 0; i < n; i++) if (next[i] !== assignments[i]) changed = true;
    assignments = next;
    if (!changed) break;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDist(x.data, i * d, centroids, assignments[i]! * d, d);
  return { k, centroids, assignments, inertia, iterations: iter + 1 };
}
