import { describe, expect, it } from "vitest";
import { evaluatorUsesContexts } from "./uses-contexts";

describe("evaluatorUsesContexts", () => {
  it("names the judge templates and metrics that read retrieved contexts", () => {
    expect(evaluatorUsesContexts("llm_judge", { template: "faithfulness" })).toBe(true);
    expect(evaluatorUsesContexts("llm_judge", { templates: ["relevance", "context_recall"] })).toBe(true);
    expect(evaluatorUsesContexts("llm_judge", { template: "custom", rubric: "…" })).toBe(true);
    expect(evaluatorUsesContexts("llm_judge", { template: "relevance" })).toBe(false);
    expect(evaluatorUsesContexts("semantic", { metrics: ["semscore", "context_relevance"] })).toBe(true);
    expect(evaluatorUsesContexts("semantic", { metrics: ["semscore"] })).toBe(false);
    // A template name outside a judge means nothing; odd settings never throw.
    expect(evaluatorUsesContexts("heuristic", { template: "faithfulness" })).toBe(false);
    for (const settings of [null, undefined, "x", 3, [], { metrics: "context_relevance" }, { metrics: [1, null] }]) {
      expect(() => evaluatorUsesContexts("llm_judge", settings)).not.toThrow();
    }
    expect(evaluatorUsesContexts("semantic", { metrics: "context_relevance" })).toBe(true);
  });
});
