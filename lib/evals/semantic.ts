/**
 * Semantic metrics through the project's embedding model (lib/embeddings `Embedder`).
 *
 * - SemScore: cosine between the sentence embeddings of the response and the reference.
 * - Answer relevance: cosine between the sentence embeddings of the prompt and the response.
 * - BERTScore-style F1: greedy token matching over the model's per-token vectors. Precision is the
 *   mean, over the response's tokens, of the highest cosine to any reference token; recall the
 *   same from the reference's side; F1 = 2PR / (P + R). No idf weighting and no baseline
 *   rescaling, so values are not comparable with published BERTScore numbers (which use
 *   roberta-large layer 17). With a transformer model the token vectors are contextual; with the
 *   bundled static model (driftline-glove-100d) each token's vector is its context-free,
 *   SIF-weighted GloVe word vector, so the score is a soft word-overlap: synonyms match, word
 *   order and context do not count, and words outside the model's vocabulary are left out.
 *
 * Cosines lie on [-1, 1]; the value is max(0, cos) (an unrelated text scores 0, as does an
 * opposed one) and the raw cosine is kept in `raw`. A text with no token the model knows has no
 * direction: the metric is skipped with `no_known_tokens`.
 */
import type { Embedder, TokenEmbeddings } from "../embeddings/embedder";
import type { EvalInput, KnownVectors, MetricContext, MetricResult } from "./metrics/types";

type Side = keyof KnownVectors;

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  if (a.length !== b.length) throw new Error(`vectors of different lengths (${a.length} and ${b.length}) cannot be compared`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return null;
  return dot / Math.sqrt(na * nb);
}

/** max(0, c), and at most 1 (float rounding can give 1 + 1e-7 for identical texts). */
export const cosineToUnit = (c: number): number => Math.min(1, Math.max(0, c));

const fromCosine = (c: number | null): MetricResult => (c === null ? { skipped: "no_known_tokens" } : { value: cosineToUnit(c), raw: c });

/** Sentence vectors for two sides of the input: given ones first, the rest embedded in one call. */
async function sentenceVectors(sides: readonly [Side, Side], input: EvalInput, ctx: MetricContext): Promise<(Float32Array | null)[] | MetricResult> {
  const texts = sides.map((s) => input[s]);
  const known = sides.map((s) => ctx.vectors?.[s] ?? null);
  const missing = sides.map((_, i) => i).filter((i) => known[i] === null);
  if (missing.length > 0) {
    if (!ctx.embedder) return { skipped: "no_embedder" };
    const batch = await ctx.embedder.embedBatch(missing.map((i) => texts[i]!));
    missing.forEach((i, k) => {
      known[i] = batch.empty[k] ? null : batch.vectors[k]!;
    });
  }
  return known;
}

async function pairCosine(sides: readonly [Side, Side], input: EvalInput, ctx: MetricContext): Promise<MetricResult> {
  const vectors = await sentenceVectors(sides, input, ctx);
  if (!Array.isArray(vectors)) return vectors;
  const [a, b] = vectors;
  return a && b ? fromCosine(cosine(a, b)) : { skipped: "no_known_tokens" };
}

export async function semScore(input: EvalInput, ctx: MetricContext): Promise<MetricResult> {
  if (input.response === null) return { skipped: "no_response" };
  if (input.reference === null) return { skipped: "no_reference" };
  return pairCosine(["response", "reference"], input, ctx);
}

export async function answerRelevance(input: EvalInput, ctx: MetricContext): Promise<MetricResult> {
  if (input.response === null) return { skipped: "no_response" };
  if (input.prompt === null) return { skipped: "no_prompt" };
  return pairCosine(["prompt", "response"], input, ctx);
}

export type BertScoreResult = { precision: number; recall: number; f1: number };

/** Greedy matching of token vectors (cosine), as BERTScore without idf or rescaling. Null when a side has no tokens. */
export function greedyTokenMatch(candidate: readonly Float32Array[], reference: readonly Float32Array[]): BertScoreResult | null {
  if (candidate.length === 0 || reference.length === 0) return null;
  const unit = (vs: readonly Float32Array[]) =>
    vs.map((v) => {
      let n = 0;
      for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
      const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
      const out = new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
      return out;
    });
  const c = unit(candidate);
  const r = unit(reference);
  const bestForRef = new Float64Array(r.length).fill(-Infinity);
  let precisionSum = 0;
  for (const cv of c) {
    let best = -Infinity;
    for (let j = 0; j < r.length; j++) {
      const rv = r[j]!;
      let dot = 0;
      for (let d = 0; d < cv.length; d++) dot += cv[d]! * rv[d]!;
      if (dot > best) best = dot;
      if (dot > bestForRef[j]!) bestForRef[j] = dot;
    }
    precisionSum += best;
  }
  let recallSum = 0;
  for (const b of bestForRef) recallSum += b;
  const precision = precisionSum / c.length;
  const recall = recallSum / r.length;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

async function tokenVectors(embedder: Embedder, texts: string[]): Promise<TokenEmbeddings[] | null> {
  return embedder.embedTokens ? embedder.embedTokens(texts) : null;
}

export async function bertScore(input: EvalInput, ctx: MetricContext): Promise<MetricResult> {
  if (input.response === null) return { skipped: "no_response" };
  if (input.reference === null) return { skipped: "no_reference" };
  if (!ctx.embedder) return { skipped: "no_embedder" };
  const tokens = await tokenVectors(ctx.embedder, [input.response, input.reference]);
  if (!tokens) return { skipped: "no_embedder" };
  const r = greedyTokenMatch(tokens[0]!.vectors, tokens[1]!.vectors);
  if (!r) return { skipped: "no_known_tokens" };
  return { value: cosineToUnit(r.f1), raw: r.f1, details: { precision: r.precision, recall: r.recall } };
}
