/**
 * The one interface every part of Driftline embeds text through.
 *
 * Vectors are mean-pooled over the model's tokens and L2-normalised, so cosine similarity is a dot
 * product. `modelId` must be stored with every vector: vectors of two models are never compared.
 */

/** Where the model in use came from. */
export type ModelSource = "hub" | "local" | "bundled";

export interface EmbedBatchResult {
  /** One vector per input text, in input order; length `dimensions`, unit L2 norm (see `empty`). */
  vectors: Float32Array[];
  /**
   * The text had more than `maxTokens` tokens (special tokens included) and only its first
   * `maxTokens` tokens were embedded.
   */
  truncated: boolean[];
  /**
   * No token of the text carries meaning for this model (empty text, or only words outside the
   * static model's vocabulary): the vector is all zeros and must not be used for similarity.
   */
  empty: boolean[];
}

/** One text's tokens as the model sees them, each with its own vector (not normalised). */
export interface TokenEmbeddings {
  /** The model's tokens (WordPiece pieces such as `##ing`), special and all-zero tokens left out. */
  tokens: string[];
  /** One vector per token, length `dimensions`. */
  vectors: Float32Array[];
}

export interface FallbackInfo {
  /** The model that was configured but could not be loaded. */
  requested: string;
  reason: string;
}

export interface Embedder {
  /** Identifies the exact model (and weights) behind the vectors; record it with every vector. */
  readonly modelId: string;
  /** Vector length, measured from the model's output. */
  readonly dimensions: number;
  /** Token window; longer texts are truncated to their first `maxTokens` tokens. */
  readonly maxTokens: number;
  readonly source: ModelSource;
  /** Set when the configured model could not be loaded and the bundled model is used instead. */
  readonly fallback: FallbackInfo | null;
  embed(texts: string[]): Promise<Float32Array[]>;
  embedBatch(texts: string[]): Promise<EmbedBatchResult>;
  /**
   * Per-token vectors (the model's last hidden state), for token-matching metrics such as BERTScore.
   * Contextual for transformer models; for the bundled static model each token's vector is its
   * context-free word vector. Optional: embedders that cannot expose tokens leave it out.
   */
  embedTokens?(texts: string[]): Promise<TokenEmbeddings[]>;
  /** Releases the model (and the worker thread, if any). The embedder cannot be used afterwards. */
  close(): Promise<void>;
}

export class EmbedderClosedError extends Error {
  constructor() {
    super("the embedder has been closed");
    this.name = "EmbedderClosedError";
  }
}
