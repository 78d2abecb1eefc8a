import { describe, expect, it } from "vitest";
import { describeEvidence } from "./describe-evidence";
import { result } from "./chart-fixtures";

describe("describeEvidence", () => {
  it("states the statistics, thresholds and sample sizes behind a topic-drift verdict", () => {
    const rows = describeEvidence(
      "topic_drift",
      result(5, {
        verdict: "drift",
        statistics: { topics: 6, mix: { chiSquare: { statistic: 40, pValue: 1e-6 }, psi: 0.2, jensenShannon: 0.05, drift: true }, emerging: { share: 0.2, heldOutShare: 0.05, fisherP: 1e-8, drift: true }, split: { fitted: 200, heldOut: 200 } },
      }),
      { alpha: 0.01, psi: 0.1, emergingShare: 0.1 },
    );
    const byLabel = Object.fromEntries(rows.map((r) => [r.label, r]));
    expect(byLabel["Verdict"]!.value).toBe("drift");
    expect(byLabel["Sample sizes"]!.value).toBe("reference 400, current 200");
    expect(byLabel["Mix: PSI"]).toMatchObject({ value: "0.200 (threshold 0.10)", emphasis: true });
    expect(byLabel["Emerging share"]!.value).toContain("20.0%");
    expect(byLabel["Mix: χ²"]!.value).toContain("1.0e-6");
  });

  it("states the pooled within-topic changes and the change each detects with 80% probability", () => {
    const pooled = [
      { metric: "refusal_rate", test: "cmh", strata: 4, difference: 0.152, effect: 0.152, pValue: 2e-7, adjustedP: 6e-7, significant: true, detectable: { alpha: 0.0033, power: 0.8, change: 0.128 } },
      { metric: "score:quality", test: "stratified_mean", strata: 4, difference: -0.05, effect: -0.5, pValue: 0.001, adjustedP: 0.002, significant: true, detectable: { alpha: 0.0033, power: 0.8, change: 0.045, changeSd: 0.45 } },
    ];
    const rows = describeEvidence("concept_drift", result(3, { verdict: "drift", statistics: { pooled, outsideTopics: 3, comparisons: [], significant: 0, correction: "bh" } }), { alpha: 0.01 });
    const byLabel = Object.fromEntries(rows.map((r) => [r.label, r]));
    expect(byLabel["refusal_rate: within topics"]).toMatchObject({ emphasis: true });
    expect(byLabel["refusal_rate: within topics"]!.value).toContain("+15.2 points over 4 topics");
    expect(byLabel["refusal_rate: detectable"]!.value).toBe("a change of +12.8 points is found with 80.0% probability at these sizes");
    expect(byLabel["score:quality: within topics"]!.value).toContain("−0.050 (−0.50 SD)");
    expect(byLabel["score:quality: detectable"]!.value).toContain("0.045 (0.45 SD)");
    expect(byLabel["Outside the reference topics"]!.value).toContain("3 current traces");
  });

  it("gives the reason of an insufficient window", () => {
    const rows = describeEvidence("metric", result(2, { verdict: "insufficient_data", statistics: { reason: "fewer than 30 values" } }), {});
    expect(rows.at(-1)).toEqual({ label: "Reason", value: "fewer than 30 values" });
  });
});
