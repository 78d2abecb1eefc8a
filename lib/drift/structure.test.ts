import { describe, expect, it } from "vitest";
import { assignNearest, defaultClusterCount, kMeans } from "./kmeans";
import { matrixFromRows } from "./matrix";
import { projectTo2d } from "./projection";
import { createRng } from "./random";

function blobs(seed: number, centres: number[][], perBlob: number, spread: number) {
  const rng = createRng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  centres.forEach((c, j) => {
    for (let i = 0; i < perBlob; i++) {
      rows.push(c.map((v) => v + spread * rng.nextNormal()));
      labels.push(j);
    }
  });
  return { x: matrixFromRows(rows), labels };
}

describe("k-means++", () => {
  const centres = [
    [0, 0, 0],
    [10, 0, 0],
    [0, 10, 0],
  ];
  const { x, labels } = blobs(3, centres, 60, 0.5);
  it("recovers well-separated clusters, deterministically per seed", () => {
    const a = kMeans(x, { k: 3, seed: 42 });
    const b = kMeans(x, { k: 3, seed: 42 });
    expect(a.assignments).toEqual(b.assignments);
    // Every true blob maps to exactly one cluster.
    for (let j = 0; j < 3; j++) {
      const got = new Set(labels.map((l, i) => (l === j ? a.assignments[i] : -1)).filter((v) => v !== -1));
      expect(got.size).toBe(1);
    }
    expect(new Set(a.assignments).size).toBe(3);
    // Centroids land near the true centres.
    for (let c = 0; c < 3; c++) {
      const centroid = Array.from(a.centroids.subarray(c * 3, c * 3 + 3));
      const nearest = Math.min(...centres.map((t) => Math.hypot(...t.map((v, i) => v - centroid[i]!))));
      expect(nearest).toBeLessThan(0.3);
    }
    expect(assignNearest(x, a.centroids, 3)).toEqual(a.assignments);
  });
  it("states its default k", () => {
    expect(defaultClusterCount(1)).toBe(1);
    expect(defaultClusterCount(50)).toBe(5);
    expect(defaultClusterCount(100000)).toBe(8);
  });
});

describe("2-D projection", () => {
  it("axes follow the reference's variance and the current window moves on them", () => {
    const rng = createRng(9);
    const ref = matrixFromRows(Array.from({ length: 300 }, () => [3 * rng.nextNormal(), rng.nextNormal(), 0.1 * rng.nextNormal()]));
    const cur = matrixFromRows(Array.from({ length: 100 }, () => [3 * rng.nextNormal() + 5, rng.nextNormal(), 0.1 * rng.nextNormal()]));
    const p = projectTo2d(ref, cur);
    expect(p.reference).toHaveLength(300);
    expect(p.current).toHaveLength(100);
    expect(p.explainedVariance[0]).toBeGreaterThan(p.explainedVariance[1]);
    expect(p.explainedVariance[0]).toBeGreaterThan(7);
    const meanX = p.current.reduce((s, [x]) => s + x, 0) / 100;
    expect(Math.abs(meanX)).toBeGreaterThan(4);
  });
});

describe("symmetric eigen-decomposition (tridiagonal QL)", () => {
  it("A·v = λv and orthonormal vectors on a random 100×100 matrix", async () => {
    const { symmetricEigenQl } = await import("./pca");
    const n = 100;
    const rng = createRng(5);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        const v = rng.nextNormal();
        A[i * n + j] = v;
        A[j * n + i] = v;
      }
    const { values, vectors } = symmetricEigenQl(A, n);
    for (let q = 1; q < n; q++) expect(values[q]!).toBeLessThanOrEqual(values[q - 1]!);
    for (let q = 0; q < n; q += 7) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += A[i * n + j]! * vectors[q * n + j]!;
        expect(Math.abs(s - values[q]! * vectors[q * n + i]!)).toBeLessThan(1e-12);
      }
      for (let p = 0; p < n; p += 13) {
        let s = 0;
        for (let j = 0; j < n; j++) s += vectors[p * n + j]! * vectors[q * n + j]!;
        expect(Math.abs(s - (p === q ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
  });
});
