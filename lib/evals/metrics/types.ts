/**
 * The contract every metric meets, so the evaluator job, the offline CLI and the docs treat them alike.
 *
 * A metric reads one `EvalInput` and answers a number or says why it could not: a missing reference is
 * a skip, not a zero, so "no golden answer for this trace" never drags a mean down.
 */
import type { Embedder } from "../../embeddings/embedder";

export type EvalInput = {
  prompt: string | null;
  response: string | null;
  /** The expected output: the matched golden item's, or the trace's own `expectedOutput`. */
  reference: string | null;
  /** The provider's finish reason (`stop`, `length`, `max_tokens`, `content_filter`…), when known. */
  finishReason?: string | null;
  /** The documents a RAG pipeline retrieved for this answer (the trace's `contexts`), for context metrics. */
  contexts?: readonly string[] | null;
};

export type SkipReason =
  /** The metric needs a response and there is none (null). An empty string is a response. */
  | "no_response"
  | "no_reference"
  | "no_prompt"
  /** A context metric on a trace that carries no retrieved contexts. */
  | "no_contexts"
  /** A semantic metric was asked for without an embedder. */
  | "no_embedder"
  /** The embedding model found no token it knows in one of the texts (all-zero vector). */
  | "no_known_tokens"
  /** The language of one of the texts could not be identified (too short, or not a language). */
  | "undetermined"
  /** The regex metric's match ran past its time limit (see safe-regex.ts). */
  | "timeout";

export type MetricValue = {
  /** On [0, 1] for `scale: "unit"` metrics; a non-negative count for `scale: "count"`. */
  value: number;
  /** Semantic metrics: the cosine before it was mapped to [0, 1]. */
  raw?: number;
  /** Parts of the value (ROUGE and BERTScore precision/recall, BLEU's brevity penalty…). */
  details?: Readonly<Record<string, number>>;
};

export type MetricSkipped = { skipped: SkipReason };
export type MetricResult = MetricValue | MetricSkipped;

export const isSkipped = (r: MetricResult): r is MetricSkipped => "skipped" in r;

/** Vectors the caller already has (stored embeddings), so a semantic metric does not embed them again. */
export type KnownVectors = {
  prompt?: Float32Array | null;
  response?: Float32Array | null;
  reference?: Float32Array | null;
};

export type MetricContext = {
  /** Needed by `needs.embedder` metrics; they skip with `no_embedder` without it. */
  embedder?: Embedder | null;
  vectors?: KnownVectors;
};

export type MetricKind = "ngram" | "semantic" | "heuristic";

export type MetricNeeds = { reference: boolean; prompt: boolean; embedder: boolean };
