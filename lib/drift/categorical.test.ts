import { describe, expect, it } from "vitest";
import { compareCategorical } from "./compare-categorical";
import { expectClose, loadReference, type ReferenceCase } from "./__fixtures__/load-reference";

const ref = loadReference();

describe.each(ref.categorical as ReferenceCase[])("categorical case $name", (c) => {
  const e = c.expected;
  it("χ² (Yates only at dof 1), G-test, PSI, Jensen–Shannon", () => {
    const r = compareCategorical(c.reference, c.current);
    expect(r.categories.map((x) => x.value)).toEqual(e.categories);
    expect(r.chiSquare.dof).toBe(e.chiSquare.dof);
    expectClose(r.chiSquare.statistic, e.chiSquare.statistic, 1e-9);
    expectClose(r.chiSquare.pValue, e.chiSquare.pValue, 1e-9);
    expectClose(r.gTest.statistic, e.gTest.statistic, 1e-9);
    expectClose(r.gTest.pValue, e.gTest.pValue, 1e-9);
    expectClose(r.psi, e.psi, 1e-9);
    expectClose(r.jensenShannon, e.jensenShannon, 1e-9);
  });
});

describe("categorical verdicts", () => {
  it("a single shared category is no evidence of drift", () => {
    const r = compareCategorical(["a", "a"], ["a"]);
    expect(r.chiSquare).toEqual({ statistic: 0, pValue: 1, dof: 0 });
    expect(r.drift).toBe(false);
  });
  it("flags the categorical shift", () => {
    const c = ref.categorical.find((x: { name: string }) => x.name === "categorical-shift");
    expect(compareCategorical(c.reference, c.current).drift).toBe(true);
  });
});
