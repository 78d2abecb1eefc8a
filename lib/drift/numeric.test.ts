import { describe, expect, it } from "vitest";
import { binProportions, decileEdges } from "./binning";
import { compareNumeric } from "./compare-numeric";
import { ksTwoSample } from "./ks";
import { sortedCopy } from "./quantile";
import { expectClose, loadReference, type ReferenceCase } from "./__fixtures__/load-reference";

const ref = loadReference();

describe.each(ref.numeric as ReferenceCase[])("numeric case $name", (c) => {
  const e = c.expected;
  it("KS statistic, p-value and method", () => {
    const ks = ksTwoSample(c.reference, c.current);
    expect(ks.method).toBe(e.ks.method);
    expectClose(ks.statistic, e.ks.statistic, 1e-12);
    if (e.ks.pValue >= 1e-10) expectClose(ks.pValue, e.ks.pValue, 1e-6);
    else expect(ks.pValue).toBeLessThan(1e-9);
  });
  it("decile edges and bin proportions", () => {
    const edges = decileEdges(sortedCopy(c.reference));
    expect(edges).toEqual(e.edges);
    expect(binProportions(c.reference, edges)).toEqual(e.referenceProportions);
    expect(binProportions(c.current, edges)).toEqual(e.currentProportions);
  });
  it("PSI, Jensen–Shannon, Wasserstein", () => {
    const r = compareNumeric(c.reference, c.current);
    expectClose(r.psi, e.psi, 1e-9);
    expectClose(r.jensenShannon, e.jensenShannon, 1e-9, 1e-15);
    expectClose(r.wasserstein, e.wasserstein, 1e-9);
    expectClose(r.wassersteinNormed, e.wassersteinNormed, 1e-9);
    expect(r.n).toEqual({ reference: c.reference.length, current: c.current.length });
  });
});

describe("numeric verdicts", () => {
  const byName = Object.fromEntries(ref.numeric.map((c: { name: string }) => [c.name, c]));
  it("flags shifts and passes the no-drift case", () => {
    expect(compareNumeric(byName["no-drift"].reference, byName["no-drift"].current).drift).toBe(false);
    expect(compareNumeric(byName["mean-shift"].reference, byName["mean-shift"].current).drift).toBe(true);
    expect(compareNumeric(byName["variance-only"].reference, byName["variance-only"].current).drift).toBe(true);
    expect(compareNumeric(byName["empty-bins"].reference, byName["empty-bins"].current).drift).toBe(true);
  });
  it("rejects empty samples", () => {
    expect(() => compareNumeric([], [1])).toThrow(/empty/);
  });
});
