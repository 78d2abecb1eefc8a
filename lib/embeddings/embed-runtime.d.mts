import type { FeatureExtractionPipeline, Tensor } from "@huggingface/transformers";

/** What to load, as passed to `pipeline("feature-extraction", source, …)`. */
export interface RuntimeSpec {
  /** A hub model id or an absolute folder path. */
  source: string;
  dtype: string;
  allowRemote: boolean;
  cacheDir: string;
}

export interface EmbedRuntime {
  extractor: FeatureExtractionPipeline;
  maxTokens: number;
  dimensions: number;
}

export interface RuntimeBatchResult {
  vectors: Float32Array[];
  truncated: boolean[];
  empty: boolean[];
}

/** One text's meaningful tokens and their vectors, row-major in `flat` (tokens × dimensions). */
export interface RuntimeTokenResult {
  tokens: string[];
  flat: Float32Array;
  dimensions: number;
}

export function loadRuntime(spec: RuntimeSpec): Promise<EmbedRuntime>;
export function embedTokenTexts(runtime: EmbedRuntime, texts: string[]): Promise<RuntimeTokenResult[]>;
export function embedTexts(runtime: EmbedRuntime, texts: string[]): Promise<RuntimeBatchResult>;
/** Equal-length rows of integers as an int64 tensor [rows, length]. */
export function int64Tensor(TensorClass: typeof Tensor, rows: number[][]): Tensor;

/** Messages between WorkerEmbedder and the worker thread running embed-runtime.mjs. */
export type WorkerRequest =
  | { id: number; type: "load"; spec: RuntimeSpec }
  | { id: number; type: "embed"; texts: string[] }
  | { id: number; type: "embedTokens"; texts: string[] };

export type WorkerResponse =
  | { id: number; ok: true; info: { dimensions: number; maxTokens: number } }
  | { id: number; ok: true; result: { flat: Float32Array; dimensions: number; truncated: boolean[]; empty: boolean[] } }
  | { id: number; ok: true; tokens: RuntimeTokenResult[] }
  | { id: number; ok: false; error: string };
