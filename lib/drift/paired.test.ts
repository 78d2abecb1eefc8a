import { describe, expect, it } from "vitest";
import {
  bootstrapMeanDifferenceCi,
  discordantPairs,
  fisherExact,
  mannWhitneyU,
  mcnemarExact,
  pairedTTest,
  summaryQuantiles,
  wilcoxonSignedRank,
} from "./paired";
import { expectClose, loadReference, type ReferenceCase } from "./__fixtures__/load-reference";

const ref = loadReference();

describe.each(ref.paired as ReferenceCase[])("paired case $name", (c) => {
  const e = c.expected;
  it("paired t with its 95% CI", () => {
    const r = pairedTTest(c.baseline, c.candidate);
    expect(r.df).toBe(e.pairedT.df);
    expectClose(r.statistic, e.pairedT.statistic, 1e-9);
    expectClose(r.pValue, e.pairedT.pValue, 1e-9);
    expectClose(r.meanDifference, e.pairedT.meanDifference, 1e-9);
    expectClose(r.ci95[0], e.pairedT.ci95[0], 1e-9);
    expectClose(r.ci95[1], e.pairedT.ci95[1], 1e-9);
  });
  it("Wilcoxon signed-rank and Mann–Whitney U", () => {
    const w = wilcoxonSignedRank(c.baseline, c.candidate);
    expectClose(w.statistic, e.wilcoxon.statistic, 1e-12);
    expectClose(w.pValue, e.wilcoxon.pValue, 1e-9);
    const m = mannWhitneyU(c.candidate, c.baseline);
    expectClose(m.statistic, e.mannWhitney.statistic, 1e-12);
    expectClose(m.pValue, e.mannWhitney.pValue, 1e-9);
  });
  it("p50 / p95", () => {
    const b = summaryQuantiles(c.baseline);
    const k = summaryQuantiles(c.candidate);
    expect([b.p50, b.p95]).toEqual(e.quantiles.baseline);
    expect([k.p50, k.p95]).toEqual(e.quantiles.candidate);
  });
  it("bootstrap CI is seeded and close to the t interval", () => {
    const a = bootstrapMeanDifferenceCi(c.baseline, c.candidate, { seed: c.seed, resamples: 4000 });
    const b = bootstrapMeanDifferenceCi(c.baseline, c.candidate, { seed: c.seed, resamples: 4000 });
    expect(a).toEqual(b);
    const width = e.pairedT.ci95[1] - e.pairedT.ci95[0];
    expect(Math.abs(a.lower - e.pairedT.ci95[0])).toBeLessThan(0.15 * width);
    expect(Math.abs(a.upper - e.pairedT.ci95[1])).toBeLessThan(0.15 * width);
  });
});

describe("exact tests on counts", () => {
  it("McNemar exact equals scipy binomtest", () => {
    for (const m of ref.mcnemar) expectClose(mcnemarExact(m.b, m.c).pValue, m.p, 1e-9);
    expect(mcnemarExact(0, 0).pValue).toBe(1);
    expect(discordantPairs([true, true, false, false], [false, true, true, true])).toEqual({ b: 1, c: 2 });
  });
  it("Fisher exact equals scipy fisher_exact", () => {
    for (const f of ref.fisher) {
      const r = fisherExact(f.table);
      expectClose(r.pValue, f.p, 1e-9);
      if (Number.isFinite(f.oddsRatio)) expectClose(r.oddsRatio, f.oddsRatio, 1e-12);
      else expect(r.oddsRatio).toBe(f.oddsRatio === null ? Infinity : f.oddsRatio);
    }
  });
});
