import { columnMeans, gramUpper, type Matrix } from "./matrix";

export interface Pca {
  /** Column means of the fitted sample (the projection centre). */
  mean: Float64Array;
  /** k principal axes, row-major k×d, unit length, by decreasing variance. */
  components: Float64Array;
  /** Variance along each axis (covariance eigenvalues, ddof = 1). */
  explainedVariance: Float64Array;
  k: number;
  d: number;
}

/** Sample covariance (ddof = 1) of the columns, d×d: the Gram matrix of the centred columns over n − 1. */
export function covariance(x: Matrix, mean = columnMeans(x)): Float64Array {
  const { rows: n, cols: d, data } = x;
  // Centred data transposed (d × n) so each column is a contiguous row for gramUpper.
  const t = new Float64Array(d * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) t[j * n + i] = data[i * d + j]! - mean[j]!;
  const cov = new Float64Array(d * d);
  gramUpper(t, d, n, cov);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b]! / (n - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return cov;
}

/**
 * Householder reduction of a symmetric n×n matrix to tridiagonal form
 * (EISPACK tred2, as in JAMA): A = V·T·Vᵀ with V orthogonal, returned
 * transposed (row c of VT is V's column c, the c-th basis vector), T's
 * diagonal in d and its off-diagonal in e (e[i] couples i−1 and i; e[0] = 0).
 * The arithmetic is JAMA's, operation for operation; only the storage is
 * transposed, which turns its strided column walks into contiguous ones.
 */
function tridiagonalize(a: Float64Array, n: number): { VT: Float64Array; d: Float64Array; e: Float64Array } {
  // Stored transposed (VT[c·n + r] = V[r][c]) so the O(n³) loops run along rows.
  const V = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) d[j] = V[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[j * n + i - 1]!;
        V[j * n + i] = 0;
        V[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        V[i * n + j] = f;
        g = e[j]! + V[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[j * n + k]! * d[k]!;
          e[k]! += V[j * n + k]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) V[j * n + k]! -= f * e[k]! + g * d[k]!;
        d[j] = V[j * n + i - 1]!;
        V[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[i * n + n - 1] = V[i * n + i]!;
    V[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[(i + 1) * n + k]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[(i + 1) * n + k]! * V[j * n + k]!;
        for (let k = 0; k <= i; k++) V[j * n + k]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[j * n + n - 1]!;
    V[j * n + n - 1] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;

  return { VT: V, d, e };
}

/**
 * Implicit QL on the tridiagonal (d, e) from tridiagonalize (EISPACK tql2):
 * d becomes the eigenvalues (unsorted), e is overwritten. When W is given
 * (the basis as rows, n×n), each rotation is applied to two of its rows, so
 * W ends holding the eigenvectors as rows; without W only the eigenvalues
 * are computed, in O(n²).
 */
function tridiagonalQl(d: Float64Array, e: Float64Array, n: number, W: Float64Array | null): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        iter++;
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (W) {
            const oi = i * n;
            const oi1 = oi + n;
            for (let k = 0; k < n; k++) {
              const wk1 = W[oi1 + k]!;
              const wk = W[oi + k]!;
              W[oi1 + k] = s * wk + c * wk1;
              W[oi + k] = c * wk - s * wk1;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1 && iter < 100);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

/**
 * Full eigen-decomposition of a symmetric n×n matrix: Householder reduction
 * to tridiagonal form, then the implicit QL algorithm (EISPACK tred2/tql2, as
 * in JAMA). O(n³) with no convergence caveats for clustered eigenvalues,
 * which embedding covariances (a few factors above a flat noise floor) have.
 * Eigenvalues descending, eigenvectors as rows (row-major n×n).
 */
export function symmetricEigenQl(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  // QL on the tridiagonal (d, e); the eigenvector columns of V are kept as
  // rows of W (W = Vᵀ) so each rotation touches two contiguous rows.
  const { VT: W, d, e } = tridiagonalize(a, n);
  tridiagonalQl(d, e, n, W);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j]! - d[i]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src]!;
    vectors.set(W.subarray(src * n, src * n + n), dst * n);
  });
  return { values, vectors };
}

/**
 * Solves (T − μI)·x = b in place (b becomes x) for the symmetric tridiagonal T
 * with diagonal dg and off-diagonal off (off[i] couples i and i+1), by
 * Gaussian elimination with partial pivoting (LAPACK dlagtf/dlagts). A zero
 * pivot — μ is an eigenvalue to working precision, which is the point of
 * inverse iteration — is replaced by a tiny one of the same scale.
 */
function tridiagonalShiftedSolve(
  dg: Float64Array,
  off: Float64Array,
  n: number,
  mu: number,
  tiny: number,
  work: { u0: Float64Array; u1: Float64Array; u2: Float64Array; l: Float64Array; swap: Uint8Array },
  b: Float64Array,
): void {
  const { u0, u1, u2, l, swap } = work;
  let pd = dg[0]! - mu;
  let ps = n > 1 ? off[0]! : 0;
  for (let i = 0; i < n - 1; i++) {
    const sub = off[i]!;
    const nd = dg[i + 1]! - mu;
    const ns = i + 1 < n - 1 ? off[i + 1]! : 0;
    if (Math.abs(pd) >= Math.abs(sub)) {
      if (pd === 0) pd = tiny;
      const m = sub / pd;
      u0[i] = pd;
      u1[i] = ps;
      u2[i] = 0;
      l[i] = m;
      swap[i] = 0;
      pd = nd - m * ps;
      ps = ns;
    } else {
      const m = pd / sub;
      u0[i] = sub;
      u1[i] = nd;
      u2[i] = ns;
      l[i] = m;
      swap[i] = 1;
      pd = ps - m * nd;
      ps = -m * ns;
    }
  }
  u0[n - 1] = pd === 0 ? tiny : pd;
  for (let i = 0; i < n - 1; i++) {
    if (swap[i]) {
      const t = b[i]!;
      b[i] = b[i + 1]!;
      b[i + 1] = t;
    }
    b[i + 1]! -= l[i]! * b[i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = b[i]!;
    if (i + 1 < n) v -= u1[i]! * b[i + 1]!;
    if (i + 2 < n) v -= u2[i]! * b[i + 2]!;
    b[i] = v / u0[i]!;
  }
}

/**
 * Top-k eigenpairs of a symmetric d×d matrix (descending), eigenvectors as
 * rows, without the full decomposition (LAPACK's dsyevx route): Householder
 * tridiagonalisation A = V·T·Vᵀ, every eigenvalue of T by QL without
 * vectors (O(d²)), the k largest eigenvectors of T by inverse iteration
 * (O(d) per solve; vectors whose eigenvalues lie within 10⁻³·‖T‖ of each
 * other are re-orthogonalised against each other, twice, as dstein does), then
 * back to A's basis through V (2·d²·k). The QL rotations of the full
 * decomposition — about three quarters of its work at d = 384 — are skipped.
 * Each vector has a residual ‖A·v − λv‖ of order ε‖A‖, as the full
 * decomposition's has; within a cluster of equal eigenvalues the basis, like
 * any basis of that eigenspace, is not unique (see pca.test.ts).
 */
export function topEigen(sym: Float64Array, d: number, k: number): { values: Float64Array; vectors: Float64Array } {
  const kk = Math.min(k, d);
  if (kk === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  if (2 * kk > d) {
    const full = symmetricEigenQl(sym, d);
    return { values: full.values.slice(0, kk), vectors: full.vectors.slice(0, kk * d) };
  }
  const { VT, d: diag, e } = tridiagonalize(sym, d);
  // T's diagonal and off-diagonal (off[i] couples i and i+1), kept for the solves.
  const dg = Float64Array.from(diag);
  const off = new Float64Array(d);
  for (let i = 1; i < d; i++) off[i - 1] = e[i]!;
  const ev = Float64Array.from(diag);
  const ee = Float64Array.from(e);
  tridiagonalQl(ev, ee, d, null);
  const values = ev.sort().reverse().slice(0, kk);

  let norm = 0;
  for (let i = 0; i < d; i++) norm = Math.max(norm, Math.abs(dg[i]!) + Math.abs(off[i]!) + (i > 0 ? Math.abs(off[i - 1]!) : 0));
  const eps = 2 ** -52;
  const tiny = eps * Math.max(norm, Number.MIN_VALUE);
  const clusterGap = 1e-3 * norm;
  const work = { u0: new Float64Array(d), u1: new Float64Array(d), u2: new Float64Array(d), l: new Float64Array(d), swap: new Uint8Array(d) };
  const Z = new Float64Array(kk * d); // eigenvectors of T, as rows
  const x = new Float64Array(d);
  let mu = 0;
  let clusterStart = 0;
  for (let j = 0; j < kk; j++) {
    // Equal eigenvalues get shifts a few ulps apart, so each solve amplifies its own direction first.
    const lambda = values[j]!;
    if (j > 0 && values[j - 1]! - lambda > clusterGap) clusterStart = j;
    const pertol = 10 * Math.abs(lambda) * eps;
    mu = j > 0 && mu - lambda < pertol ? mu - pertol : lambda;
    // A fixed, dense start vector: deterministic results.
    for (let i = 0; i < d; i++) x[i] = 1 + ((i * 7919 + j * 104729) % 1009) / 1009;
    for (let iter = 0; iter < 4; iter++) {
      tridiagonalShiftedSolve(dg, off, d, mu, tiny, work, x);
      for (let pass = 0; pass < 2; pass++) {
        for (let q = clusterStart; q < j; q++) {
          let dotq = 0;
          for (let i = 0; i < d; i++) dotq += x[i]! * Z[q * d + i]!;
          for (let i = 0; i < d; i++) x[i]! -= dotq * Z[q * d + i]!;
        }
      }
      let nx = 0;
      for (let i = 0; i < d; i++) nx += x[i]! * x[i]!;
      nx = Math.sqrt(nx);
      for (let i = 0; i < d; i++) x[i]! /= nx;
    }
    Z.set(x, j * d);
  }
  // Back to A's basis: v = V·z = Σ_c z_c · (row c of VT), rows of the result.
  const vectors = new Float64Array(kk * d);
  for (let j = 0; j < kk; j++) {
    const zo = j * d;
    const vo = j * d;
    for (let c = 0; c < d; c++) {
      const zc = Z[zo + c]!;
      const co = c * d;
      for (let r = 0; r < d; r++) vectors[vo + r]! += zc * VT[co + r]!;
    }
  }
  return { values, vectors };
}

/**
 * Principal component analysis of a sample: centre on the column means,
 * take the covariance's top-k eigenvectors. Each axis' sign is fixed so its
 * largest-magnitude coordinate is positive, making results reproducible.
 */
export function fitPca(x: Matrix, k: number): Pca {
  const mean = columnMeans(x);
  const cov = covariance(x, mean);
  const d = x.cols;
  const { values, vectors } = topEigen(cov, d, k);
  const kk = values.length;
  for (let i = 0; i < kk; i++) {
    let best = 0;
    for (let t = 0; t < d; t++) if (Math.abs(vectors[i * d + t]!) > Math.abs(vectors[i * d + best]!)) best = t;
    if (vectors[i * d + best]! < 0) for (let t = 0; t < d; t++) vectors[i * d + t] = -vectors[i * d + t]!;
  }
  return { mean, components: vectors, explainedVariance: values, k: kk, d };
}

/**
 * Coordinates of each row of x on the PCA axes (rows × k). Each row is centred
 * once and meets four axes per pass; every coordinate is still summed over
 * the dimensions in order, so the result is the plain dot products exactly.
 */
export function projectPca(pca: Pca, x: Matrix): Matrix {
  const { k, d, mean, components } = pca;
  const out = new Float64Array(x.rows * k);
  const row = new Float64Array(d);
  for (let i = 0; i < x.rows; i++) {
    const o = i * d;
    for (let t = 0; t < d; t++) row[t] = x.data[o + t]! - mean[t]!;
    let c = 0;
    for (; c + 3 < k; c += 4) {
      const o0 = c * d;
      const o1 = o0 + d;
      const o2 = o1 + d;
      const o3 = o2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < d; t++) {
        const v = row[t]!;
        s0 += v * components[o0 + t]!;
        s1 += v * components[o1 + t]!;
        s2 += v * components[o2 + t]!;
        s3 += v * components[o3 + t]!;
      }
      out[i * k + c] = s0;
      out[i * k + c + 1] = s1;
      out[i * k + c + 2] = s2;
      out[i * k + c + 3] = s3;
    }
    for (; c < k; c++) {
      const oc = c * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += row[t]! * components[oc + t]!;
      out[i * k + c] = s;
    }
  }
  return { rows: x.rows, cols: k, data: out };
}
