import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMiniLmShapedModel, defaultMiniLmOptions } from "../../scripts/models/build-minilm-shaped";
import { BUNDLED_MODEL_NAME, createEmbedder, type Embedder } from "./index";

const unit = (v: ArrayLike<number>) => {
  const n = Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
  return Array.from(v, (x) => x / n);
};

describe("per-token vectors of the bundled static model", () => {
  let inProcess: Embedder;
  let inWorker: Embedder;
  beforeAll(async () => {
    [inProcess, inWorker] = await Promise.all([
      createEmbedder({ model: BUNDLED_MODEL_NAME, worker: false, env: {} }),
      createEmbedder({ model: BUNDLED_MODEL_NAME, worker: true, env: {} }),
    ]);
  });
  afterAll(() => Promise.all([inProcess.close(), inWorker.close()]));

  it("gives one vector per known word, special and unknown tokens left out", async () => {
    const [t] = await inProcess.embedTokens!(["How do I reset my qzxwvjk password?"]);
    // "i" is in the vocabulary but its SIF-weighted, int8-stored row is all zeros: it carries nothing.
    expect(t!.tokens).toEqual(["how", "do", "reset", "my", "password", "?"]);
    expect(t!.vectors).toHaveLength(6);
    for (const v of t!.vectors) expect(v).toHaveLength(100);
  });

  it("is context-free: a word has the same vector in any sentence", async () => {
    const [a, b] = await inProcess.embedTokens!(["reset my password", "the password expired yesterday"]);
    expect(a!.vectors[2]).toEqual(b!.vectors[1]);
    expect(a!.tokens[2]).toBe("password");
  });

  it("averages to the sentence embedding (mean pooling over the same rows)", async () => {
    const text = "write a SQL query joining two tables";
    const [[t], [sentence]] = await Promise.all([inProcess.embedTokens!([text]), inProcess.embed([text])]);
    const dims = t!.vectors[0]!.length;
    const sum = new Array<number>(dims).fill(0);
    for (const v of t!.vectors) for (let d = 0; d < dims; d++) sum[d]! += v[d]!;
    const mean = unit(sum);
    mean.forEach((x, d) => expect(x).toBeCloseTo(sentence![d]!, 5));
  });

  it("answers the same in a worker thread, for several texts in order, and nothing for empty text", async () => {
    const texts = ["cancel my subscription", "", "the app crashes when I upload a photo"];
    const [a, b] = await Promise.all([inWorker.embedTokens!(texts), inProcess.embedTokens!(texts)]);
    expect(a.map((t) => t.tokens)).toEqual(b.map((t) => t.tokens));
    a.forEach((t, i) => t.vectors.forEach((v, k) => expect(Array.from(v)).toEqual(Array.from(b[i]!.vectors[k]!))));
    expect(a[1]).toEqual({ tokens: [], vectors: [] });
    expect(await inWorker.embedTokens!([])).toEqual([]);
  });
});

describe("per-token vectors of a transformer (MiniLM-shaped) model", () => {
  const root = mkdtempSync(join(tmpdir(), "driftline-embed-tokens-"));
  let embedder: Embedder;
  beforeAll(async () => {
    buildMiniLmShapedModel({
      ...defaultMiniLmOptions(join(root, "tiny")),
      shape: { vocabSize: 2000, hiddenSize: 32, layers: 2, heads: 4, intermediateSize: 64, maxPositions: 64 },
      name: "tiny-minilm",
    });
    embedder = await createEmbedder({ modelPath: join(root, "tiny"), worker: false, fallback: false, env: {} });
  });
  afterAll(async () => {
    await embedder.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("is contextual: the same word differs between sentences", async () => {
    const [a, b] = await embedder.embedTokens!(["the house", "house of the"]);
    const ia = a!.tokens.indexOf("the");
    const ib = b!.tokens.indexOf("the");
    expect(ia).toBeGreaterThanOrEqual(0);
    expect(ib).toBeGreaterThanOrEqual(0);
    expect(a!.vectors[ia]).toHaveLength(32);
    expect(Array.from(a!.vectors[ia]!)).not.toEqual(Array.from(b!.vectors[ib]!));
    expect(a!.tokens).not.toContain("[CLS]");
    expect(a!.tokens).not.toContain("[SEP]");
  });
});
