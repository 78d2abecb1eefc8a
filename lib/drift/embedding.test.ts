import { describe, expect, it } from "vitest";
import { centroidDistance } from "./centroid";
import { classifierTest } from "./classifier";
import { compareEmbeddings } from "./compare-embeddings";
import { matrixFromRows } from "./matrix";
import { mmdTest } from "./mmd";
import { fitPca } from "./pca";
import { perDimensionKs } from "./per-dimension-ks";
import { expectClose, loadReference, type ReferenceCase } from "./__fixtures__/load-reference";

const ref = loadReference();
const PERMUTATIONS = 500;

describe.each(ref.embedding as ReferenceCase[])("embedding case $name", (c) => {
  const e = c.expected;
  const X = matrixFromRows(c.reference);
  const Y = matrixFromRows(c.current);

  it("centroid distances", () => {
    const r = centroidDistance(X, Y);
    expectClose(r.euclidean, e.centroid.euclidean, 1e-9);
    expectClose(r.cosine, e.centroid.cosine, 1e-9);
  });

  it("MMD² and σ exactly; permutation p within Monte-Carlo error", () => {
    const r = mmdTest(X, Y, { permutations: PERMUTATIONS, seed: c.seed });
    expectClose(r.sigma, e.mmd.sigma, 1e-9);
    expectClose(r.mmd2, e.mmd.mmd2, 0, 1e-9);
    expect(r.permutations).toBe(PERMUTATIONS);
    // Both p-values estimate the same permutation p: allow 4 combined standard errors plus the 1/(1+B) granularity.
    const p = e.mmd.pValue;
    const se = Math.sqrt((p * (1 - p)) / PERMUTATIONS + (p * (1 - p)) / e.mmd.permutations);
    expect(Math.abs(r.pValue - p)).toBeLessThanOrEqual(4 * se + 2 / (1 + PERMUTATIONS));
  });

  it("domain-classifier AUC within 0.005 of sklearn on the same split", () => {
    expect(Math.abs(classifierTest(X, Y, { seed: c.seed }).auc - e.classifier.auc)).toBeLessThanOrEqual(0.005);
  });

  it("per-dimension KS with Bonferroni", () => {
    const r = perDimensionKs(X, Y);
    expect(r.basis).toBe(e.components.basis);
    expect(r.pValues).toHaveLength(e.components.pValues.length);
    r.statistics.forEach((s, j) => expectClose(s, e.components.statistics[j], 1e-9));
    r.pValues.forEach((p, j) => expectClose(p, e.components.pValues[j], 1e-6, 1e-10));
    expectClose(r.bonferroniP, e.components.bonferroniP, 1e-6, 1e-10);
    expect(r.driftedShare).toBe(e.components.driftedShare);
  });

  if (e.components.eigenvalues) {
    it("PCA eigenvalues of the reference covariance", () => {
      const pca = fitPca(X, 32);
      Array.from(pca.explainedVariance).forEach((v, j) => expectClose(v, e.components.eigenvalues[j], 1e-9));
    });
  }
});

describe("embedding verdicts", () => {
  const byName = Object.fromEntries(ref.embedding.map((c: { name: string }) => [c.name, c]));
  it("no drift vs. a shift in a few dimensions", () => {
    const none = byName["embedding-no-drift"];
    const few = byName["embedding-few-dims-pca"];
    expect(compareEmbeddings(none.reference, none.current, { seed: 1 }).drift).toBe(false);
    const r = compareEmbeddings(few.reference, few.current, { seed: 1 });
    expect(r.drift).toBe(true);
    expect(r.dim).toBe(48);
  });
  it("rejects mismatched dimensions", () => {
    expect(() => compareEmbeddings([[1, 2], [3, 4]], [[1], [2]])).toThrow(/dimensions differ/);
  });
});
