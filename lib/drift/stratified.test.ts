import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createRng } from "./random";
import { cochranMantelHaenszel, detectableMeanShift, detectableRateIncrease, stratifiedMeanDifference, type MeanStratum, type RateStratum } from "./stratified";
import { expectClose } from "./__fixtures__/load-reference";

/** Values from statsmodels / scipy: scripts/drift/make-stratified-reference.py. */
const ref = JSON.parse(readFileSync(fileURLToPath(new URL("./__fixtures__/stratified-reference.json", import.meta.url)), "utf8")) as {
  rates: { name: string; strata: RateStratum[]; expected: Record<string, number> }[];
  means: { name: string; strata: MeanStratum[]; expected: Record<string, number> }[];
};

describe.each(ref.rates)("Cochran–Mantel–Haenszel: $name", (c) => {
  it("matches statsmodels (χ², p, pooled odds ratio) and the Mantel–Haenszel risk difference", () => {
    const r = cochranMantelHaenszel(c.strata);
    expectClose(r.statistic, c.expected.statistic, 1e-9);
    expectClose(r.pValue, c.expected.pValue, 1e-9, 1e-15);
    expectClose(r.oddsRatio, c.expected.oddsRatio, 1e-9);
    expectClose(r.riskDifference, c.expected.riskDifference, 1e-9, 1e-15);
    expectClose(r.riskDifferenceSe, c.expected.riskDifferenceSe, 1e-9);
    expect(r.strata).toBe(c.expected.strata);
  });
});

describe.each(ref.means)("stratified difference of means: $name", (c) => {
  it("matches the numpy/scipy transcription", () => {
    const r = stratifiedMeanDifference(c.strata);
    for (const key of ["difference", "se", "df", "t", "referenceSd", "standardized"] as const) expectClose(r[key], c.expected[key], 1e-9, 1e-15);
    expectClose(r.pValue, c.expected.pValue, 1e-8, 1e-15);
    expect(r.strata).toBe(c.expected.strata);
  });
});

describe("stratified tests: edge cases", () => {
  it("one stratum: the risk difference's SE is the Wald SE", () => {
    const r = cochranMantelHaenszel([{ referenceEvents: 10, reference: 100, currentEvents: 30, current: 120 }]);
    expectClose(r.riskDifference, 30 / 120 - 0.1, 1e-12);
    expectClose(r.riskDifferenceSe, Math.sqrt((0.1 * 0.9) / 100 + (0.25 * 0.75) / 120), 1e-12);
  });
  it("no events anywhere, no strata: p = 1", () => {
    expect(cochranMantelHaenszel([{ referenceEvents: 0, reference: 50, currentEvents: 0, current: 20 }]).pValue).toBe(1);
    expect(cochranMantelHaenszel([]).pValue).toBe(1);
    expect(stratifiedMeanDifference([{ reference: [1], current: [2, 3] }]).pValue).toBe(1);
    expect(stratifiedMeanDifference([{ reference: [1, 1], current: [1, 1] }]).pValue).toBe(1);
    expect(stratifiedMeanDifference([{ reference: [1, 1], current: [2, 2] }]).pValue).toBe(0);
  });
});

/**
 * The detectable changes are a promise: at those sizes, a change that large
 * is found with 80% probability. Checked by simulation at the sizes of the
 * issue's example (a day of under a hundred traces over four topics against
 * a week of reference).
 */
describe("detectable change (80% power) holds in simulation", { timeout: 30_000 }, () => {
  const sizes = [
    { reference: 160, current: 25 },
    { reference: 150, current: 20 },
    { reference: 140, current: 22 },
    { reference: 120, current: 18 },
  ];
  const trials = 1000;
  const alpha = 0.01 / 3; // the verdict's Holm step for three metrics

  it("refusal rate", () => {
    const rates = [0.05, 0.04, 0.06, 0.05];
    const delta = detectableRateIncrease(sizes.map((s, i) => ({ ...s, rate: rates[i]! })), { alpha });
    const rng = createRng(42);
    const binom = (n: number, p: number) => Array.from({ length: n }).filter(() => rng.next() < p).length;
    let detected = 0;
    for (let t = 0; t < trials; t++) {
      const strata = sizes.map((s, i) => ({ referenceEvents: binom(s.reference, rates[i]!), reference: s.reference, currentEvents: binom(s.current, rates[i]! + delta), current: s.current }));
      if (cochranMantelHaenszel(strata).pValue < alpha) detected++;
    }
    console.log(`refusal rate 5% → +${(100 * delta).toFixed(1)} points: detected ${detected}/${trials}`);
    expect(delta).toBeGreaterThan(0.05);
    expect(delta).toBeLessThan(0.25);
    // 80% within 3 binomial SE (1.3% each) plus a little for the normal approximation.
    expect(detected / trials).toBeGreaterThan(0.75);
    expect(detected / trials).toBeLessThan(0.85);
  });

  it("score mean", () => {
    const sd = 0.1;
    const shift = detectableMeanShift(sizes.map((s) => ({ ...s, sd })), { alpha });
    const rng = createRng(43);
    let detected = 0;
    for (let t = 0; t < trials; t++) {
      const strata = sizes.map((s, i) => ({
        reference: Array.from({ length: s.reference }, () => 0.6 + 0.05 * i + sd * rng.nextNormal()),
        current: Array.from({ length: s.current }, () => 0.6 + 0.05 * i - shift + sd * rng.nextNormal()),
      }));
      if (stratifiedMeanDifference(strata).pValue < alpha) detected++;
    }
    console.log(`score mean: −${(shift / sd).toFixed(2)} SD: detected ${detected}/${trials}`);
    expect(detected / trials).toBeGreaterThan(0.75);
    expect(detected / trials).toBeLessThan(0.85);
  });
});
