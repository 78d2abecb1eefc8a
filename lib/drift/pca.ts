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
 * Full eigen-decomposition of a symmetric n×n matrix: Householder reduction
 * to tridiagonal form, then the implicit QL algorithm (EISPACK tred2/tql2, as
 * in JAMA). O(n³) with no convergence caveats for clustered eigenvalues,
 * which embedding covariances (a few factors above a flat noise floor) have.
 * Eigenvalues descending, eigenvectors as rows (row-major n×n).
 */
export function symmetricEigenQl(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  // V row-major: V[r][c] = V[r * n + c].
  const V = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
        V[j * n + i] = 0;
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
        V[j * n + i] = f;
        g = e[j]! + V[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j]! * d[k]!;
          e[k]! += V[k * n + j]! * f;
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
        for (let k = j; k <= i - 1; k++) V[k * n + j]! -= f * e[k]! + g * d[k]!;
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i]!;
    V[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1]! * V[k * n + j]!;
        for (let k = 0; k <= i; k++) V[k * n + j]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j]!;
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;

  // QL on the tridiagonal (d, e); the eigenvector columns of V are kept as
  // rows of W (W = Vᵀ) so each rotation touches two contiguous rows.
  const W = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) W[c * n + r] = V[r * n + c]!;
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
          const oi = i * n;
          const oi1 = oi + n;
          for (let k = 0; k < n; k++) {
            const wk1 = W[oi1 + k]!;
            const wk = W[oi + k]!;
            W[oi1 + k] = s * wk + c * wk1;
            W[oi + k] = c * wk - s * wk1;
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
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j]! - d[i]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src]!;
    vectors.set(W.subarray(src * n, src * n + n), dst * n);
  });
  return { values, vectors };
}

/** Top-k eigenpairs of a symmetric d×d matrix (descending), eigenvectors as rows. */
export function topEigen(sym: Float64Array, d: number, k: number): { values: Float64Array; vectors: Float64Array } {
  const kk = Math.min(k, d);
  const full = symmetricEigenQl(sym, d);
  return { values: full.values.slice(0, kk), vectors: full.vectors.slice(0, kk * d) };
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
