import { describe, expect, it } from "vitest";
import { ksTwoSampleSorted } from "./ks";
import { covariance, symmetricEigenQl, topEigen } from "./pca";
import { createRng } from "./random";

/** A random orthogonal n×n matrix (rows), by Gram–Schmidt (twice) on Gaussian rows. */
function randomOrthogonal(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) Q[i] = rng.nextNormal();
  for (let i = 0; i < n; i++) {
    for (let pass = 0; pass < 2; pass++)
      for (let j = 0; j < i; j++) {
        let s = 0;
        for (let t = 0; t < n; t++) s += Q[i * n + t]! * Q[j * n + t]!;
        for (let t = 0; t < n; t++) Q[i * n + t]! -= s * Q[j * n + t]!;
      }
    let s = 0;
    for (let t = 0; t < n; t++) s += Q[i * n + t]! ** 2;
    for (let t = 0; t < n; t++) Q[i * n + t]! /= Math.sqrt(s);
  }
  return Q;
}

/** A = Qᵀ·diag(λ)·Q: eigenvalues λ, eigenvectors the rows of Q. */
function withSpectrum(lambda: number[], seed: number): { A: Float64Array; Q: Float64Array } {
  const n = lambda.length;
  const Q = randomOrthogonal(n, seed);
  const A = new Float64Array(n * n);
  for (let q = 0; q < n; q++)
    for (let i = 0; i < n; i++) {
      const a = lambda[q]! * Q[q * n + i]!;
      for (let j = 0; j < n; j++) A[i * n + j]! += a * Q[q * n + j]!;
    }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[i * n + j] = A[j * n + i]!;
  return { A, Q };
}

/** fitPca's sign rule: each axis' largest-magnitude coordinate positive. */
function signNormalise(v: Float64Array, k: number, d: number): Float64Array {
  const out = Float64Array.from(v);
  for (let i = 0; i < k; i++) {
    let best = 0;
    for (let t = 0; t < d; t++) if (Math.abs(out[i * d + t]!) > Math.abs(out[i * d + best]!)) best = t;
    if (out[i * d + best]! < 0) for (let t = 0; t < d; t++) out[i * d + t] = -out[i * d + t]!;
  }
  return out;
}

function residual(A: Float64Array, n: number, lambda: number, v: Float64Array, off: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j]! * v[off + j]!;
    worst = Math.max(worst, Math.abs(s - lambda * v[off + i]!));
  }
  return worst;
}

function expectOrthonormal(v: Float64Array, k: number, d: number, tol: number): void {
  for (let p = 0; p < k; p++)
    for (let q = p; q < k; q++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += v[p * d + t]! * v[q * d + t]!;
      expect(Math.abs(s - (p === q ? 1 : 0))).toBeLessThan(tol);
    }
}

/** KS statistics and p-values of two samples projected on the k axes. */
function ksOnAxes(a: Float64Array, b: Float64Array, rows: number, d: number, axes: Float64Array, k: number) {
  const project = (x: Float64Array, j: number) => {
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += x[i * d + t]! * axes[j * d + t]!;
      out[i] = s;
    }
    return out.sort();
  };
  return Array.from({ length: k }, (_, j) => ksTwoSampleSorted(project(a, j), project(b, j)));
}

describe("top-k eigenvectors without the full decomposition", () => {
  it("matches the full decomposition on a sample covariance (random data, 120 dimensions, top 16)", () => {
    const n = 600;
    const d = 120;
    const rng = createRng(11);
    const data = new Float64Array(n * d);
    for (let i = 0; i < data.length; i++) data[i] = rng.nextNormal() * (1 + (i % d) / 40);
    const cov = covariance({ rows: n, cols: d, data });
    const full = symmetricEigenQl(cov, d);
    const top = topEigen(cov, d, 16);
    // Both take the eigenvalues from QL on the same tridiagonal matrix: identical to the bit.
    expect(Array.from(top.values)).toEqual(Array.from(full.values.slice(0, 16)));
    const a = signNormalise(full.vectors, 16, d);
    const b = signNormalise(top.vectors, 16, d);
    for (let i = 0; i < 16 * d; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-12);
    for (let j = 0; j < 16; j++) expect(residual(cov, d, top.values[j]!, top.vectors, j * d)).toBeLessThan(1e-12 * top.values[0]!);
    expectOrthonormal(top.vectors, 16, d, 1e-13);
  });

  it("nearly degenerate spectrum (relative eigen-gaps 1e-6 in the top 32): the same axes and the same KS results", () => {
    // 32 wanted eigenvalues in clusters a relative 1e-6 apart, then a flat floor — an embedding covariance's
    // shape with the gaps squeezed. Each eigenvector is determined to about ε‖A‖/gap ≈ 2e-16 · 3 / 3e-6 ≈ 2e-10,
    // for any method (the full QL decomposition included), so the two bases may differ by that much and no more.
    const d = 96;
    const lambda = Array.from({ length: d }, (_, j) => (j < 32 ? 3 * (1 - 1e-6 * j) - 0.5 * Math.floor(j / 8) : 0.1 * (1 - j / (4 * d))));
    const { A, Q } = withSpectrum(lambda, 21);
    const full = symmetricEigenQl(A, d);
    const top = topEigen(A, d, 32);
    for (let j = 0; j < 32; j++) {
      expect(Math.abs(top.values[j]! - full.values[j]!)).toBeLessThan(1e-14 * 3);
      expect(residual(A, d, top.values[j]!, top.vectors, j * d)).toBeLessThan(1e-13);
    }
    expectOrthonormal(top.vectors, 32, d, 1e-12);
    const a = signNormalise(full.vectors, 32, d);
    const b = signNormalise(top.vectors, 32, d);
    let worst = 0;
    for (let i = 0; i < 32 * d; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThan(1e-8);
    // Projections then differ by ≲ 1e-8 · ‖x‖ ≈ 1e-7: a KS statistic changes only if two pooled
    // projected values lie that close across the samples' empirical CDFs' maximum gap — with 2 × 500 values
    // spread over a few units, the closest pair is ~1e-5 apart. Both tests give the same numbers, exactly.
    const rows = 500;
    const rng = createRng(3);
    const sample = (scale: number) => {
      const x = new Float64Array(rows * d);
      const z = new Float64Array(d);
      for (let i = 0; i < rows; i++) {
        for (let t = 0; t < d; t++) z[t] = rng.nextNormal() * Math.sqrt(lambda[t]!) * (t < 4 ? scale : 1);
        // x = Σ_t z_t · (eigenvector t of A): a Gaussian sample with covariance A (scaled along the top axes).
        for (let t = 0; t < d; t++) for (let c = 0; c < d; c++) x[i * d + c]! += z[t]! * Q[t * d + c]!;
      }
      return x;
    };
    const ref = sample(1);
    const cur = sample(1.3);
    const ksFull = ksOnAxes(ref, cur, rows, d, a, 32);
    const ksTop = ksOnAxes(ref, cur, rows, d, b, 32);
    expect(ksTop.map((r) => r.statistic)).toEqual(ksFull.map((r) => r.statistic));
    expect(ksTop.map((r) => r.pValue)).toEqual(ksFull.map((r) => r.pValue));
  });

  it("exactly repeated eigenvalues: an orthonormal basis of the same eigenspace", () => {
    const d = 40;
    const lambda = Array.from({ length: d }, (_, j) => (j < 6 ? 2 : j < 10 ? 1.5 : 0.5 / (1 + j)));
    const { A, Q } = withSpectrum(lambda, 8);
    const top = topEigen(A, d, 10);
    expectOrthonormal(top.vectors, 10, d, 1e-12);
    for (let j = 0; j < 10; j++) {
      expect(Math.abs(top.values[j]! - lambda[j]!)).toBeLessThan(1e-13);
      expect(residual(A, d, top.values[j]!, top.vectors, j * d)).toBeLessThan(1e-13);
    }
    // Each returned vector lies in its eigenspace: its projection on the true basis of that space has norm 1.
    for (let j = 0; j < 10; j++) {
      const [lo, hi] = j < 6 ? [0, 6] : [6, 10];
      let norm = 0;
      for (let q = lo; q < hi; q++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += Q[q * d + t]! * top.vectors[j * d + t]!;
        norm += s * s;
      }
      expect(Math.abs(norm - 1)).toBeLessThan(1e-12);
    }
  });
});
