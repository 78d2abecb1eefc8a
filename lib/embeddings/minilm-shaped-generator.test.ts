import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AutoTokenizer } from "@huggingface/transformers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMiniLmShapedModel, buildWordPieceVocabulary, defaultMiniLmOptions, ensureMiniLmShapedModel, type EncoderShape, type MiniLmBuildOptions } from "../../scripts/models/build-minilm-shaped";
import { decodeFloatInitializers } from "../../scripts/models/onnx-proto";
import { createEmbedder, type Embedder } from "./index";

/** The generator's graph at a size that builds and runs in milliseconds. */
const TINY: EncoderShape = { vocabSize: 2000, hiddenSize: 32, layers: 2, heads: 4, intermediateSize: 64, maxPositions: 64 };
const root = mkdtempSync(join(tmpdir(), "driftline-minilm-shaped-"));
const options = (dir: string, extra: Partial<MiniLmBuildOptions> = {}): MiniLmBuildOptions => ({
  ...defaultMiniLmOptions(join(root, dir)),
  shape: TINY,
  name: "tiny-minilm",
  ...extra,
});

type Weights = ReturnType<typeof decodeFloatInitializers>;

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x < 0 ? -y : y;
}

/**
 * BERT's encoder written out in plain JavaScript (one text, no padding), reading the generated
 * weights: the reference the ONNX graph must agree with.
 */
function referenceLastHiddenState(w: Weights, shape: EncoderShape, ids: number[]): number[][] {
  const H = shape.hiddenSize;
  const headSize = H / shape.heads;
  const get = (name: string) => {
    const t = w.get(name);
    if (!t) throw new Error(`missing initializer ${name}`);
    return t.data;
  };
  const row = (table: Float32Array, r: number, width: number) => Array.from(table.subarray(r * width, (r + 1) * width));
  const linear = (x: number[], prefix: string, inSize: number, outSize: number) => {
    const W = get(`${prefix}.weight`);
    const b = get(`${prefix}.bias`);
    const out = Array.from(b);
    for (let i = 0; i < inSize; i++) for (let o = 0; o < outSize; o++) out[o]! += x[i]! * W[i * outSize + o]!;
    return out;
  };
  const layerNorm = (x: number[], prefix: string) => {
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    const gamma = get(`${prefix}.weight`);
    const beta = get(`${prefix}.bias`);
    return x.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-12)) * gamma[i]! + beta[i]!);
  };
  let hidden = ids.map((id, s) => {
    const word = row(get("embeddings.word_embeddings.weight"), id, H);
    const position = row(get("embeddings.position_embeddings.weight"), s, H);
    const type = row(get("embeddings.token_type_embeddings.weight"), 0, H);
    return layerNorm(word.map((v, i) => v + position[i]! + type[i]!), "embeddings.LayerNorm");
  });
  for (let l = 0; l < shape.layers; l++) {
    const p = `encoder.layer.${l}`;
    const q = hidden.map((x) => linear(x, `${p}.attention.self.query`, H, H));
    const k = hidden.map((x) => linear(x, `${p}.attention.self.key`, H, H));
    const v = hidden.map((x) => linear(x, `${p}.attention.self.value`, H, H));
    const context = hidden.map((_, s) => {
      const out = new Array<number>(H).fill(0);
      for (let h = 0; h < shape.heads; h++) {
        const base = h * headSize;
        const scores = k.map((kt) => {
          let dot = 0;
          for (let d = 0; d < headSize; d++) dot += q[s]![base + d]! * kt[base + d]!;
          return dot / Math.sqrt(headSize);
        });
        const max = Math.max(...scores);
        const exp = scores.map((x) => Math.exp(x - max));
        const sum = exp.reduce((a, b) => a + b, 0);
        exp.forEach((e, t) => {
          for (let d = 0; d < headSize; d++) out[base + d]! += (e / sum) * v[t]![base + d]!;
        });
      }
      return out;
    });
    hidden = hidden.map((x, s) => {
      const attended = linear(context[s]!, `${p}.attention.output.dense`, H, H);
      const a = layerNorm(attended.map((y, i) => y + x[i]!), `${p}.attention.output.LayerNorm`);
      const inner = linear(a, `${p}.intermediate.dense`, H, shape.intermediateSize).map((y) => 0.5 * y * (1 + erf(y / Math.SQRT2)));
      const out = linear(inner, `${p}.output.dense`, shape.intermediateSize, H);
      return layerNorm(out.map((y, i) => y + a[i]!), `${p}.output.LayerNorm`);
    });
  }
  return hidden;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe("MiniLM-shaped model generator", () => {
  let embedder: Embedder;

  beforeAll(async () => {
    buildMiniLmShapedModel(options("tiny"));
    embedder = await createEmbedder({ modelPath: join(root, "tiny"), worker: false, fallback: false, env: {} });
  });
  afterAll(() => embedder.close());

  it("is deterministic, and the seed changes the weights", () => {
    const again = buildMiniLmShapedModel(options("again"));
    const first = readFileSync(join(root, "tiny", "onnx", "model.onnx"));
    expect(readFileSync(join(root, "again", "onnx", "model.onnx"))).toEqual(first);
    expect(again.parameters).toBe(2000 * 32 + 64 * 32 + 2 * 32 + 2 * 32 + 2 * (4 * (32 * 32 + 32) + (32 * 64 + 64) + (64 * 32 + 32) + 4 * 32));
    const reseeded = buildMiniLmShapedModel(options("reseeded", { seed: 2 }));
    expect(reseeded.files["onnx/model.onnx"]!.sha256).not.toBe(again.files["onnx/model.onnx"]!.sha256);
    expect(reseeded.files["tokenizer.json"]!.sha256).toBe(again.files["tokenizer.json"]!.sha256);
  });

  it("rebuilds a folder only when it was built with other options", () => {
    expect(ensureMiniLmShapedModel(options("tiny"))).toBe(false);
    expect(ensureMiniLmShapedModel(options("tiny", { seed: 3 }))).toBe(true);
    expect(ensureMiniLmShapedModel(options("tiny"))).toBe(true);
  });

  it("builds a BERT WordPiece vocabulary: specials, characters, ## pieces, words", async () => {
    const { tokens, counts } = buildWordPieceVocabulary(["the", "running", "jumping", "tokenization", "cat"], 40);
    expect(tokens.slice(0, 5)).toEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
    expect(tokens).toHaveLength(40);
    expect(tokens).toContain("##g");
    expect(tokens.filter((t) => t.startsWith("##") && t.length > 3).length).toBe(counts.pieces);
    const tokenizer = await AutoTokenizer.from_pretrained(join(root, "tiny"));
    const pieces = tokenizer.tokenize("Unbelievably, TOKENIZATION!");
    expect(pieces.some((p) => p.startsWith("##"))).toBe(true);
    expect(pieces).not.toContain("[UNK]");
    expect(pieces.at(-1)).toBe("!");
  });

  it("loads through the project's embedder as a local model folder", async () => {
    expect(embedder.source).toBe("local");
    expect(embedder.modelId).toMatch(/^tiny@[0-9a-f]{12}$/);
    expect(embedder.dimensions).toBe(32);
    expect(embedder.maxTokens).toBe(64);
    const result = await embedder.embedBatch(["hello world", "the forecast says rain tomorrow, take an umbrella", "x ".repeat(100)]);
    for (const v of result.vectors) {
      expect(v.every(Number.isFinite)).toBe(true);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
    expect(result.truncated).toEqual([false, false, true]);
    expect(result.empty).toEqual([false, false, false]);
  });

  it("masks padding: a text's vector does not depend on the longer texts batched with it", async () => {
    const [alone] = await embedder.embed(["hello world"]);
    const batched = await embedder.embedBatch(["hello world", "a much longer text that forces padding of the short one"]);
    expect(dot(alone!, batched.vectors[0]!)).toBeGreaterThan(0.99999);
  });

  it("computes BERT: the embedder's vector equals mean-pooled output of a plain-JS encoder", async () => {
    const text = "how do I reset my password";
    const tokenizer = await AutoTokenizer.from_pretrained(join(root, "tiny"));
    const ids = Array.from(tokenizer.encode(text));
    const weights = decodeFloatInitializers(readFileSync(join(root, "tiny", "onnx", "model.onnx")));
    const hidden = referenceLastHiddenState(weights, TINY, ids);
    const mean = hidden[0]!.map((_, d) => hidden.reduce((s, h) => s + h[d]!, 0));
    const norm = Math.hypot(...mean);
    const expected = Float32Array.from(mean, (x) => x / norm);
    const [actual] = await embedder.embed([text]);
    actual!.forEach((x, d) => expect(x).toBeCloseTo(expected[d]!, 4));
  });
});
