import { describe, expect, it } from "vitest";
import { compareEmbeddings } from "./compare-embeddings";
import { kernelWitnessAuc } from "./kernel-auc";
import type { Matrix } from "./matrix";
import { pooledGaussianKernel } from "./mmd";
import { mmdMultiscaleTest } from "./mmd-multiscale";
import { mmdTest } from "./mmd";
import { createRng, type Rng } from "./random";

/**
 * The embedding verdict — multi-scale MMD p < α and the kernel classifier's
 * held-out AUC ≥ 0.55 — on changes a linear classifier cannot see (spread,
 * shape) and on windows from one distribution. docs/statistics.md quotes the
 * rates printed here.
 */
type Change = (v: number, j: number, rng: Rng) => number;

/** n rows of d coordinates: the first `informative` dims N(0, 1), the rest N(0, 0.1²) (embeddings live near a low-dimensional subspace). */
function sample(n: number, d: number, rng: Rng, change?: Change, informative = d): Matrix {
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const v = rng.nextNormal() * (j < informative ? 1 : 0.1);
      data[i * d + j] = change ? change(v, j, rng) : v;
    }
  return { rows: n, cols: d, data };
}

/** Mean 0, variance 1 either way: two modes at ±a with SD √(1 − a²) instead of one. */
const bimodal = (dims: number, a: number): Change => (v, j, rng) => (j < dims ? (rng.next() < 0.5 ? -a : a) + v * Math.sqrt(1 - a * a) : v);
const spread = (dims: number, factor: number): Change => (v, j) => (j < dims ? v * factor : v);

function flagged(trials: number, make: (rng: Rng) => [Matrix, Matrix]) {
  let drift = 0;
  let linear = 0;
  for (let s = 0; s < trials; s++) {
    const [x, y] = make(createRng(500 + s));
    const r = compareEmbeddings(x, y, { seed: s });
    if (r.drift) drift++;
    if (r.classifier.auc >= 0.55) linear++;
  }
  return { drift, linear };
}

describe("embedding verdict: changes that keep the mean", { timeout: 60_000 }, () => {
  it("a wider spread in every dimension (300 vs 300, 32-d)", () => {
    const r = flagged(10, (rng) => [sample(300, 32, rng), sample(300, 32, rng, spread(32, 1.3))]);
    console.log("spread ×1.3, all 32 dims:", r);
    expect(r.drift).toBe(10);
    expect(r.linear).toBe(0); // the old gate (linear AUC ≥ 0.55) saw none of them
  });

  it("a wider spread in 2 of 32 dimensions", () => {
    const r = flagged(10, (rng) => [sample(300, 32, rng), sample(300, 32, rng, spread(2, 2))]);
    console.log("spread ×2, 2 of 32 dims:", r);
    expect(r.drift).toBeGreaterThanOrEqual(9);
    expect(r.linear).toBe(0);
  });

  it("one mode becoming two, same mean and covariance", () => {
    const r = flagged(10, (rng) => [sample(300, 32, rng, undefined, 4), sample(300, 32, rng, bimodal(1, 0.95), 4)]);
    console.log("bimodal ±0.95 in 1 of 4 informative dims (32-d):", r);
    expect(r.drift).toBeGreaterThanOrEqual(9);
    expect(r.linear).toBe(0);
  });

  it("a mean shift is still flagged, and the linear AUC stays in the report", () => {
    const rng = createRng(3);
    const r = compareEmbeddings(sample(300, 32, rng), sample(300, 32, rng, (v, j) => (j < 2 ? v + 0.5 : v)), { seed: 3 });
    expect(r.drift).toBe(true);
    expect(r.classifier.auc).toBeGreaterThan(0.55);
    expect(r.kernel.auc).toBeGreaterThan(0.55);
  });
});

describe("embedding verdict: false alarms", { timeout: 60_000 }, () => {
  it("≤ 5% over 200 seeded no-drift pairs (200 vs 200, 16-d)", () => {
    const trials = 200;
    let alarms = 0;
    let belowAlpha = 0;
    for (let s = 0; s < trials; s++) {
      const rng = createRng(9000 + s);
      const r = compareEmbeddings(sample(200, 16, rng), sample(200, 16, rng), { seed: s });
      if (r.drift) alarms++;
      if (r.mmdMultiscale.pValue < 0.01) belowAlpha++;
    }
    console.log(`no-drift pairs: ${alarms}/${trials} drift verdicts, ${belowAlpha}/${trials} multi-scale p < 0.01`);
    expect(alarms / trials).toBeLessThanOrEqual(0.05);
    expect(belowAlpha / trials).toBeLessThanOrEqual(0.05);
  });
});

describe("multi-scale MMD and the kernel AUC", () => {
  it("the median bandwidth's statistics equal mmdTest's exactly (same seed, same relabellings)", () => {
    const rng = createRng(11);
    const x = sample(60, 8, rng);
    const y = sample(50, 8, rng, spread(8, 1.2));
    const single = mmdTest(x, y, { seed: 4, permutations: 300 });
    const { kernel, n, sigma } = pooledGaussianKernel(x, y);
    const multi = mmdMultiscaleTest(kernel, n, x.rows, sigma, { seed: 4, permutations: 300 });
    expect(multi.bandwidths[0]!.mmd2).toBe(single.mmd2);
    expect(multi.bandwidths[0]!.pValue).toBe(single.pValue);
    expect(multi.bandwidths.map((b) => b.sigma)).toEqual([sigma, sigma / 2, sigma / 4]);
    expect(multi.pValue).toBeGreaterThanOrEqual(1 / 301);
  });

  it("kernel AUC is 1 for separated samples and near ½ for one distribution", () => {
    const rng = createRng(2);
    const far = sample(40, 4, rng, (v) => v + 20);
    const { kernel, n } = pooledGaussianKernel(sample(40, 4, rng), far);
    expect(kernelWitnessAuc(kernel, n, 40, { seed: 1 }).auc).toBe(1);
    let sum = 0;
    for (let s = 0; s < 40; s++) {
      const r = createRng(70 + s);
      const k = pooledGaussianKernel(sample(100, 8, r), sample(100, 8, r));
      sum += kernelWitnessAuc(k.kernel, k.n, 100, { seed: s }).auc;
    }
    expect(Math.abs(sum / 40 - 0.5)).toBeLessThan(0.02);
  });

  it("same seed, same report", () => {
    const rng = createRng(8);
    const x = sample(80, 8, rng);
    const y = sample(80, 8, rng, spread(3, 1.5));
    expect(compareEmbeddings(x, y, { seed: 5 })).toEqual(compareEmbeddings(x, y, { seed: 5 }));
  });
});
