import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_MODEL_NAME, createEmbedder, type Embedder } from "../embeddings";
import { PARAPHRASE_TRIPLES } from "../embeddings/test-fixtures";
import { isSkipped, type EvalInput, type MetricResult } from "./metrics";
import { answerRelevance, bertScore, cosine, cosineToUnit, greedyTokenMatch, semScore } from "./semantic";

const input = (over: Partial<EvalInput>): EvalInput => ({ prompt: null, response: null, reference: null, ...over });
const value = (r: MetricResult) => {
  if (isSkipped(r)) throw new Error(`skipped: ${r.skipped}`);
  return r;
};

describe("cosine helpers", () => {
  it("computes cosine, refuses mismatched lengths, and maps to [0, 1] by clamping", () => {
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([1, 1], [2, 2])).toBeCloseTo(1, 12);
    expect(cosine([1, 0], [-1, 0])).toBe(-1);
    expect(cosine([0, 0], [1, 0])).toBeNull();
    expect(() => cosine([1], [1, 2])).toThrow(/different lengths/);
    expect([cosineToUnit(-0.3), cosineToUnit(0.42), cosineToUnit(1 + 1e-7)]).toEqual([0, 0.42, 1]);
  });

  it("greedy token matching is BERTScore's P, R and F1 without idf", () => {
    const v = (...xs: number[]) => Float32Array.from(xs);
    // candidate tokens c1 = e1, c2 = e2; reference tokens r1 = e1, r2 = (e2 + e3)/√2, r3 = e3.
    const r = greedyTokenMatch([v(1, 0, 0), v(0, 1, 0)], [v(1, 0, 0), v(0, 1, 1), v(0, 0, 1)])!;
    const s = Math.SQRT1_2;
    expect(r.precision).toBeCloseTo((1 + s) / 2, 6);
    expect(r.recall).toBeCloseTo((1 + s + 0) / 3, 6); // r3 = e3 matches nothing
    expect(r.f1).toBeCloseTo((2 * r.precision * r.recall) / (r.precision + r.recall), 12);
    expect(greedyTokenMatch([], [v(1, 0, 0)])).toBeNull();
  });
});

describe("semantic metrics with the bundled model", () => {
  let embedder: Embedder;
  let embedCalls = 0;
  beforeAll(async () => {
    const real = await createEmbedder({ model: BUNDLED_MODEL_NAME, worker: false, env: {} });
    // The real model, counting how often it is asked to embed sentences.
    embedder = Object.assign(Object.create(real) as Embedder, {
      embedBatch: (texts: string[]) => {
        embedCalls++;
        return real.embedBatch(texts);
      },
      close: () => real.close(),
    });
  });
  afterAll(() => embedder.close());

  it("SemScore is the cosine of the response and reference embeddings, 1 for the same text", async () => {
    const same = value(await semScore(input({ response: "Reset it under Settings.", reference: "Reset it under Settings." }), { embedder }));
    expect(same.value).toBeCloseTo(1, 6);
    const [a, b] = await embedder.embed(["I forgot my password, how can I change it", "how do I reset my password"]);
    const r = value(await semScore(input({ response: "I forgot my password, how can I change it", reference: "how do I reset my password" }), { embedder }));
    expect(r.raw).toBeCloseTo(cosine(a!, b!)!, 6);
    expect(r.value).toBe(cosineToUnit(r.raw!));
  });

  it("ranks paraphrases above unrelated texts (SemScore and BERTScore-style F1)", async () => {
    let semWins = 0;
    let bertWins = 0;
    for (const [anchor, paraphrase, unrelated] of PARAPHRASE_TRIPLES) {
      const sem = async (t: string) => value(await semScore(input({ response: t, reference: anchor }), { embedder })).value;
      const bert = async (t: string) => value(await bertScore(input({ response: t, reference: anchor }), { embedder })).value;
      if ((await sem(paraphrase)) > (await sem(unrelated))) semWins++;
      if ((await bert(paraphrase)) > (await bert(unrelated))) bertWins++;
    }
    expect(semWins / PARAPHRASE_TRIPLES.length).toBeGreaterThanOrEqual(0.9);
    expect(bertWins / PARAPHRASE_TRIPLES.length).toBeGreaterThanOrEqual(0.8);
  });

  it("answer relevance compares the prompt with the response, no reference needed", async () => {
    const on = value(await answerRelevance(input({ prompt: "how do I bake sourdough bread", response: "give me a recipe for sourdough" }), { embedder }));
    const off = value(await answerRelevance(input({ prompt: "how do I bake sourdough bread", response: "book a flight to Tokyo" }), { embedder }));
    expect(on.value).toBeGreaterThan(off.value);
    expect(await answerRelevance(input({ response: "x" }), { embedder })).toEqual({ skipped: "no_prompt" });
  });

  it("BERTScore-style F1 equals greedy matching over the model's token vectors; identical texts score 1", async () => {
    const response = "the app crashes when I upload a photo";
    const reference = "uploading an image makes the application crash";
    const r = value(await bertScore(input({ response, reference }), { embedder }));
    const [c, ref] = await embedder.embedTokens!([response, reference]);
    const expected = greedyTokenMatch(c!.vectors, ref!.vectors)!;
    expect(r.raw).toBeCloseTo(expected.f1, 12);
    expect(r.details).toEqual({ precision: expected.precision, recall: expected.recall });
    const same = value(await bertScore(input({ response, reference: response }), { embedder }));
    expect(same.value).toBeCloseTo(1, 6);
  });

  it("uses vectors the caller already has instead of embedding again", async () => {
    const [resp, ref] = await embedder.embed(["cancel my subscription", "I want to stop my monthly plan"]);
    const before = embedCalls;
    const r = value(await semScore(input({ response: "cancel my subscription", reference: "I want to stop my monthly plan" }), { embedder, vectors: { response: resp, reference: ref } }));
    expect(embedCalls).toBe(before);
    expect(r.raw).toBeCloseTo(cosine(resp!, ref!)!, 12);
    // Only the missing side is embedded.
    await semScore(input({ response: "cancel my subscription", reference: "stop the plan" }), { embedder, vectors: { response: resp } });
    expect(embedCalls).toBe(before + 1);
  });

  it("skips when a text has no token the model knows, or when there is no embedder", async () => {
    expect(await semScore(input({ response: "qzxwvjk", reference: "cancel my subscription" }), { embedder })).toEqual({ skipped: "no_known_tokens" });
    expect(await bertScore(input({ response: "", reference: "cancel my subscription" }), { embedder })).toEqual({ skipped: "no_known_tokens" });
    expect(await semScore(input({ response: "a", reference: "b" }), {})).toEqual({ skipped: "no_embedder" });
    expect(await bertScore(input({ response: "a" }), { embedder })).toEqual({ skipped: "no_reference" });
  });
});
