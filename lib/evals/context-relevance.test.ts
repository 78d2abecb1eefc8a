import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_MODEL_NAME, createEmbedder, type Embedder } from "../embeddings";
import { contextRelevance } from "./context-relevance";
import { computeMetrics, prepareMetric } from "./metrics";

describe("context relevance with the bundled model", () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await createEmbedder({ model: BUNDLED_MODEL_NAME, worker: false, env: {} });
  });
  afterAll(async () => {
    await embedder?.close();
  });

  it("scores an on-topic context above an off-topic one, and averages over the contexts", async () => {
    const question = "How do I export my invoices from the billing page?";
    const onTopic = "To export invoices, open the billing page, choose invoices and press the export button.";
    const offTopic = "The football team won the championship after a dramatic penalty shootout.";
    const result = await contextRelevance(embedder, question, [onTopic, offTopic]);
    if (!("value" in result)) throw new Error(`skipped: ${result.skipped}`);
    const [on, off] = result.perContext as [number, number];
    expect(on).toBeGreaterThan(off + 0.2);
    expect(result.value).toBeCloseTo((on + off) / 2, 10);
    expect(result.max).toBe(on);
    for (const v of [on, off, result.value]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });

  it("skips without a question, without contexts, or when no token is known", async () => {
    expect(await contextRelevance(embedder, "", ["a context"])).toEqual({ skipped: "no_question" });
    expect(await contextRelevance(embedder, "a question", ["  "])).toEqual({ skipped: "no_contexts" });
    expect(await contextRelevance(embedder, "How do I export invoices?", ["zzqxv qqzzv"])).toEqual({ skipped: "no_known_tokens" });
  });

  it("is the semantic metric context_relevance: the same value, and skipped on a trace without contexts", async () => {
    const question = "How do I export my invoices from the billing page?";
    const contexts = ["To export invoices, open the billing page, choose invoices and press the export button."];
    const direct = await contextRelevance(embedder, question, contexts);
    const metrics = [prepareMetric("context_relevance")];
    const input = { prompt: question, response: "Use the export button.", reference: null };
    const scored = await computeMetrics(metrics, { ...input, contexts }, { embedder });
    expect(scored.context_relevance).toEqual({ value: (direct as { value: number }).value, details: { max: (direct as { max: number }).max } });
    expect((await computeMetrics(metrics, input, { embedder })).context_relevance).toEqual({ skipped: "no_contexts" });
  });
});
