import { describe, expect, it } from "vitest";
import { prepareConceptQuality } from "./prepare-concept-quality";

describe("prepareConceptQuality", () => {
  it("puts significant comparisons first and names topics", () => {
    const rows = prepareConceptQuality(
      { topics: [{ topic: 2, terms: ["sql"], examples: [] }] },
      {
        comparisons: [
          { topic: 0, metric: "refusal_rate", test: "fisher", reference: { n: 50, value: 0.1 }, current: { n: 40, value: 0.1 }, effect: 0, pValue: 0.9, adjustedP: 0.9, significant: false },
          { topic: 2, metric: "score:judge", test: "mann_whitney", reference: { n: 50, value: 0.8 }, current: { n: 40, value: 0.5 }, effect: -1.2, pValue: 1e-6, adjustedP: 1e-5, significant: true },
        ],
      },
    );
    expect(rows[0]).toMatchObject({ topicLabel: "sql", metric: "score:judge", significant: true, currentN: 40 });
    expect(rows[1]!.topicLabel).toBe("topic 1");
  });
});
