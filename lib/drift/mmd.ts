import { gramUpper, type Matrix } from "./matrix";
import { createRng, shuffleInPlace } from "./random";

export interface MmdResult {
  /** Unbiased MMD² estimate (may be slightly negative under no drift). */
  mmd2: number;
  /** Permutation p-value (1 + #{T_perm ≥ T_obs}) / (1 + B). */
  pValue: number;
  /** Gaussian kernel bandwidth: median pairwise Euclidean distance in the pooled sample. */
  sigma: number;
  permutations: number;
}

export interface MmdOptions {
  permutations?: number;
  seed?: number;
}

export const MMD_DEFAULT_PERMUTATIONS = 200;

/** The two middle values' mean of an unsorted array (quickselect; reorders `a`). */
function median(a: Float64Array): number {
  const n = a.length;
  if (n === 0) return Number.NaN;
  const hi = select(a, n >> 1);
  if (n % 2 === 1) return hi;
  // After select, everything left of n/2 is ≤ hi; the lower middle is their max.
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i]! > lo) lo = a[i]!;
  return (lo + hi) / 2;
}

/** k-th smallest (0-based) by Hoare-partition quickselect with median-of-three pivots. */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    // median of three
    const x = a[left]!;
    const y = a[mid]!;
    const z = a[right]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k]!;
  }
  return a[k]!;
}

/**
 * Pooled kernel matrix for two samples: rows 0…m−1 are the reference, m…m+n−1
 * the current window. Returns the full symmetric N×N Gaussian kernel matrix
 * K_ij = exp(−‖z_i − z_j‖² / 2σ²) and σ.
 */
export function pooledGaussianKernel(x: Matrix, y: Matrix): { kernel: Float64Array; n: number; sigma: number } {
  if (x.cols !== y.cols) throw new RangeError("MMD: dimensions differ");
  const d = x.cols;
  const N = x.rows + y.rows;
  const Z = new Float64Array(N * d);
  Z.set(x.data.subarray(0, x.rows * d), 0);
  Z.set(y.data.subarray(0, y.rows * d), x.rows * d);
  // ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b: the dot products dominate, so they run in
  // row blocks (cache-resident) with four accumulators. The rounding error is
  // ~1e-16·(‖a‖² + ‖b‖²), far below what reaches MMD² or σ.
  const sq = new Float64Array(N * N);
  gramUpper(Z, N, d, sq);
  for (let i = 0; i < N; i++) {
    const ni = sq[i * N + i]!;
    for (let j = i + 1; j < N; j++) {
      const v = ni + sq[j * N + j]! - 2 * sq[i * N + j]!;
      sq[i * N + j] = v > 0 ? v : 0;
    }
  }
  const pairs = new Float64Array((N * (N - 1)) / 2);
  let p = 0;
  for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) pairs[p++] = Math.sqrt(sq[i * N + j]!);
  const sigma = median(pairs);
  const kernel = sq; // reuse the buffer
  const g = sigma > 0 ? -1 / (2 * sigma * sigma) : 0;
  for (let i = 0; i < N; i++) {
    kernel[i * N + i] = 1;
    for (let j = i + 1; j < N; j++) {
      const v = sigma > 0 ? Math.exp(sq[i * N + j]! * g) : 1;
      kernel[i * N + j] = v;
      kernel[j * N + i] = v;
    }
  }
  return { kernel, n: N, sigma };
}

/** Sum of K over unordered pairs {i, j} (i ≠ j) within the index set (sorted ascending). */
function pairSum(K: Float64Array, N: number, idx: Int32Array): number {
  let s = 0;
  for (let a = 0; a < idx.length; a++) {
    const row = idx[a]! * N;
    let r = 0;
    for (let b = a + 1; b < idx.length; b++) r += K[row + idx[b]!]!;
    s += r;
  }
  return s;
}

/**
 * Unbiased MMD² (Gretton et al. 2012, eq. 3) from pair sums: with Sxx, Syy
 * the within-sample sums over unordered pairs and Sxy the cross sum,
 * MMD²_u = 2Sxx/(m(m−1)) + 2Syy/(n(n−1)) − 2Sxy/(mn).
 */
function mmd2FromSums(sxx: number, syy: number, sxy: number, m: number, n: number): number {
  return (2 * sxx) / (m * (m - 1)) + (2 * syy) / (n * (n - 1)) - (2 * sxy) / (m * n);
}

/**
 * Maximum mean discrepancy between two embedding samples, Gaussian kernel
 * exp(−d²/2σ²) with σ the median Euclidean distance over all pairs of the
 * pooled sample (mean of the two middle values for an even count) — the
 * "median heuristic". The unbiased estimator removes the diagonal terms, so
 * it is centred on 0 under no drift. Significance by a permutation test: the
 * pooled kernel matrix is computed once and each of the B seeded shuffles
 * relabels its rows; only the within-reference pair sum has to be
 * recomputed, the others follow from row sums.
 */
export function mmdTest(x: Matrix, y: Matrix, options: MmdOptions = {}): MmdResult {
  if (x.rows < 2 || y.rows < 2) throw new RangeError("MMD needs at least two rows per sample");
  const { kernel, n, sigma } = pooledGaussianKernel(x, y);
  return mmdPermutationTest(kernel, n, x.rows, sigma, options);
}

/**
 * The permutation test of `mmdTest` on a pooled kernel matrix that is already
 * computed (rows 0…m−1 the reference): callers that need the kernel for more
 * than MMD (the kernel two-sample AUC) compute it once.
 */
export function mmdPermutationTest(K: Float64Array, N: number, m: number, sigma: number, options: MmdOptions = {}): MmdResult {
  const B = options.permutations ?? MMD_DEFAULT_PERMUTATIONS;
  const { observed, permuted } = mmdPermutationStatistics(K, [1], N, m, B, options.seed ?? 0);
  let exceed = 0;
  for (const t of permuted[0]!) if (t >= observed[0]!) exceed++;
  return { mmd2: observed[0]!, pValue: (1 + exceed) / (1 + B), sigma, permutations: B };
}

/**
 * k^power for a power of 4 by repeated squaring — for a Gaussian kernel value
 * k = exp(−d²/2σ²), k^(1/f²) is the kernel of bandwidth f·σ (f = ½ → k⁴,
 * f = ¼ → k¹⁶). The one definition used by the permutation sums and by
 * `gaussianKernelPower`, so both see bit-identical values.
 */
export function raiseKernel(k: number, power: number): number {
  let v = k;
  for (let p = 1; p < power; p *= 4) {
    v *= v;
    v *= v;
  }
  return v;
}

/** The pooled Gaussian kernel matrix K raised entry-wise to `power` (a power of 4): the same kernel at bandwidth σ/√power. */
export function gaussianKernelPower(K: Float64Array, power: number): Float64Array {
  if (power === 1) return K;
  const out = new Float64Array(K.length);
  for (let i = 0; i < K.length; i++) out[i] = raiseKernel(K[i]!, power);
  return out;
}

/**
 * MMD²_u of the observed split and of B seeded relabellings of the pooled
 * rows, for the Gaussian kernel K and its powers (`powers`, each a power of
 * 4: narrower bandwidths of the same kernel), with the same relabellings for
 * all of them, so their statistics can be compared permutation by
 * permutation. The narrower kernels are never stored: each pair's value is
 * raised where it is read, so three bandwidths cost one pass over K. A
 * relabelling only re-sums the within-reference pairs; the other sums follow
 * from row sums.
 */
export function mmdPermutationStatistics(
  K: Float64Array,
  powers: readonly number[],
  N: number,
  m: number,
  B: number,
  seed: number,
): { observed: number[]; permuted: Float64Array[] } {
  const n = N - m;
  if (m < 2 || n < 2) throw new RangeError("MMD needs at least two rows per sample");
  for (const p of powers) if (!(p >= 1 && Number.isInteger(Math.log(p) / Math.log(4)))) throw new RangeError(`kernel power ${p} is not a power of 4`);
  const P = powers.length;
  // Row sums without the diagonal, the total over unordered pairs, and the observed blocks, per power.
  const rowSum = powers.map(() => new Float64Array(N));
  const total2 = new Float64Array(P);
  const sxx = new Float64Array(P);
  const syy = new Float64Array(P);
  const sxy = new Float64Array(P);
  for (let i = 0; i < N; i++) {
    const o = i * N;
    for (let j = 0; j < N; j++) {
      if (j === i) continue;
      const k = K[o + j]!;
      for (let q = 0; q < P; q++) {
        const v = raiseKernel(k, powers[q]!);
        rowSum[q]![i]! += v;
        if (j > i) {
          if (j < m) sxx[q]! += v;
          else if (i >= m) syy[q]! += v;
          else sxy[q]! += v;
        }
      }
    }
    for (let q = 0; q < P; q++) total2[q]! += rowSum[q]![i]!;
  }
  const observed = powers.map((_, q) => mmd2FromSums(sxx[q]!, syy[q]!, sxy[q]!, m, n));
  const permuted = powers.map(() => new Float64Array(B));
  const rng = createRng(seed);
  const pool = new Int32Array(N);
  for (let i = 0; i < N; i++) pool[i] = i;
  const xIdx = new Int32Array(m);
  const sums = new Float64Array(P);
  const standard = P === 3 && powers[0] === 1 && powers[1] === 4 && powers[2] === 16;
  for (let b = 0; b < B; b++) {
    shuffleInPlace(pool, rng);
    xIdx.set(pool.subarray(0, m));
    xIdx.sort();
    if (P === 1 && powers[0] === 1) sums[0] = pairSum(K, N, xIdx);
    else if (standard) pairSums1416(K, N, xIdx, sums);
    else for (let q = 0; q < P; q++) sums[q] = pairSumPower(K, N, xIdx, powers[q]!);
    for (let q = 0; q < P; q++) {
      let rx = 0;
      for (let a = 0; a < m; a++) rx += rowSum[q]![xIdx[a]!]!;
      const s = sums[q]!;
      const cross = rx - 2 * s;
      permuted[q]![b] = mmd2FromSums(s, total2[q]! / 2 - s - cross, cross, m, n);
    }
  }
  return { observed, permuted };
}

function pairSumPower(K: Float64Array, N: number, idx: Int32Array, power: number): number {
  let s = 0;
  for (let a = 0; a < idx.length; a++) {
    const row = idx[a]! * N;
    let r = 0;
    for (let b = a + 1; b < idx.length; b++) r += raiseKernel(K[row + idx[b]!]!, power);
    s += r;
  }
  return s;
}

/** pairSum of K, K⁴ and K¹⁶ in one pass (the multi-scale test's bandwidths σ, σ/2, σ/4), squaring as raiseKernel does. */
function pairSums1416(K: Float64Array, N: number, idx: Int32Array, out: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let a = 0; a < idx.length; a++) {
    const row = idx[a]! * N;
    let r0 = 0;
    let r1 = 0;
    let r2 = 0;
    for (let b = a + 1; b < idx.length; b++) {
      const k = K[row + idx[b]!]!;
      let v = k * k;
      v *= v;
      r0 += k;
      r1 += v;
      v *= v;
      v *= v;
      r2 += v;
    }
    s0 += r0;
    s1 += r1;
    s2 += r2;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
}
