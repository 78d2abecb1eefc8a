import { pipeline } from "@huggingface/transformers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_MODEL_NAME, bundledModelDir, createEmbedder, type Embedder } from "./index";
import { LONG_TEXT, PARAPHRASE_TRIPLES } from "./test-fixtures";

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
const norm = (a: Float32Array) => Math.sqrt(dot(a, a));

describe("bundled static model through the transformers.js pipeline", () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await createEmbedder({ model: BUNDLED_MODEL_NAME, worker: false, env: {} });
  });
  afterAll(() => embedder.close());

  it("reports its id, size and window", () => {
    expect(embedder.modelId).toMatch(/^driftline-glove-100d@[0-9a-f]{12}$/);
    expect(embedder.source).toBe("bundled");
    expect(embedder.fallback).toBeNull();
    expect(embedder.dimensions).toBe(100);
    expect(embedder.maxTokens).toBe(512);
  });

  it("places paraphrases closer than unrelated texts on the labelled set", async () => {
    let correct = 0;
    let margin = 0;
    for (const [anchor, paraphrase, unrelated] of PARAPHRASE_TRIPLES) {
      const [a, p, u] = (await embedder.embed([anchor, paraphrase, unrelated])) as [Float32Array, Float32Array, Float32Array];
      if (dot(a, p) > dot(a, u)) correct++;
      margin += dot(a, p) - dot(a, u);
    }
    expect(correct / PARAPHRASE_TRIPLES.length).toBeGreaterThanOrEqual(0.95);
    expect(margin / PARAPHRASE_TRIPLES.length).toBeGreaterThan(0.3);
  });

  it("returns unit vectors of the model's dimension, the same on every call and in any batch", async () => {
    const texts = ["how do I reset my password", "write a SQL query joining two tables", "Café résumé: naïve façade"];
    const first = await embedder.embed(texts);
    const again = await embedder.embed([...texts].reverse());
    const alone = await embedder.embed([texts[1]!]);
    for (const v of first) {
      expect(v).toHaveLength(100);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(again.reverse()).toEqual(first);
    expect(alone[0]).toEqual(first[1]);
  });

  it("matches pipeline('feature-extraction', { pooling: 'mean', normalize: true })", async () => {
    const texts = ["I forgot my password, how can I change it", "compose a short verse about the sea"];
    const extractor = await pipeline("feature-extraction", bundledModelDir(), { dtype: "fp32" });
    const reference = (await extractor(texts, { pooling: "mean", normalize: true })).tolist() as number[][];
    await extractor.dispose();
    const ours = await embedder.embed(texts);
    ours.forEach((v, i) => v.forEach((x, d) => expect(x).toBeCloseTo(reference[i]![d]!, 6)));
  });

  it("truncates to the token window and says so", async () => {
    const { vectors, truncated, empty } = await embedder.embedBatch([LONG_TEXT, "a short prompt"]);
    expect(truncated).toEqual([true, false]);
    expect(empty).toEqual([false, false]);
    expect(norm(vectors[0]!)).toBeCloseTo(1, 5);
    // Exactly at the window ([CLS] + 510 words + [SEP]) is not truncated.
    const exact = Array.from({ length: 510 }, () => "word").join(" ");
    expect((await embedder.embedBatch([exact])).truncated).toEqual([false]);
  });

  it("reads at most maxTokens × 64 characters of a huge text", async () => {
    const huge = `${"password ".repeat(100)}${"x".repeat(2_000_000)}`;
    const started = performance.now();
    const { vectors, truncated } = await embedder.embedBatch([huge]);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(truncated).toEqual([true]);
    const [password] = await embedder.embed(["password"]);
    expect(vectors[0]).toEqual(password);
  });

  it("marks texts without a known word as empty with a zero vector instead of NaN", async () => {
    const { vectors, empty } = await embedder.embedBatch(["", "zzqxv qqxzz", "hello"]);
    expect(empty).toEqual([true, true, false]);
    expect(Array.from(vectors[0]!).every((x) => x === 0)).toBe(true);
    expect(Array.from(vectors[1]!).every((x) => x === 0)).toBe(true);
  });

  it("embeds nothing for no texts", async () => {
    expect(await embedder.embedBatch([])).toEqual({ vectors: [], truncated: [], empty: [] });
  });
});
