/**
 * In-process embedder: the transformers.js feature-extraction pipeline on the calling thread.
 * Use it in scripts and worker processes; inside the web server prefer the worker-thread embedder.
 */
import { embedTexts, embedTokenTexts, loadRuntime, type EmbedRuntime } from "./embed-runtime.mjs";
import { EmbedderClosedError, type EmbedBatchResult, type Embedder, type FallbackInfo, type ModelSource, type TokenEmbeddings } from "./embedder";
import { splitTokenRows } from "./token-rows";
import type { ResolvedModel } from "./registry";

export class TransformersEmbedder implements Embedder {
  readonly modelId: string;
  readonly source: ModelSource;
  readonly fallback: FallbackInfo | null;
  private runtime: EmbedRuntime | null;

  private constructor(model: ResolvedModel, runtime: EmbedRuntime, fallback: FallbackInfo | null) {
    this.modelId = model.modelId;
    this.source = model.source;
    this.runtime = runtime;
    this.fallback = fallback;
  }

  static async load(model: ResolvedModel, fallback: FallbackInfo | null = null): Promise<TransformersEmbedder> {
    return new TransformersEmbedder(model, await loadRuntime(model.spec), fallback);
  }

  get dimensions(): number {
    return this.live().dimensions;
  }

  get maxTokens(): number {
    return this.live().maxTokens;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return (await this.embedBatch(texts)).vectors;
  }

  async embedBatch(texts: string[]): Promise<EmbedBatchResult> {
    return embedTexts(this.live(), texts);
  }

  async embedTokens(texts: string[]): Promise<TokenEmbeddings[]> {
    return (await embedTokenTexts(this.live(), texts)).map(splitTokenRows);
  }

  async close(): Promise<void> {
    const runtime = this.runtime;
    this.runtime = null;
    await runtime?.extractor.dispose();
  }

  private live(): EmbedRuntime {
    if (!this.runtime) throw new EmbedderClosedError();
    return this.runtime;
  }
}
