/**
 * Worker-thread embedder: the same runtime (embed-runtime.mjs) in a `node:worker_threads` Worker,
 * so tokenising and inference never block the web server's event loop. Requests are answered in
 * order; a worker that dies is replaced on the next call and reloads the same model.
 */
import { Worker } from "node:worker_threads";
import { findWorkerScript } from "@/lib/worker-script";
import type { RuntimeSpec, WorkerRequest, WorkerResponse } from "./embed-runtime.mjs";
import { EmbedderClosedError, type EmbedBatchResult, type Embedder, type FallbackInfo, type ModelSource, type TokenEmbeddings } from "./embedder";
import { splitTokenRows } from "./token-rows";
import type { ResolvedModel } from "./registry";

const RUNTIME_FILE = "embed-runtime.mjs";

/** The worker script (see findWorkerScript). */
export function workerScriptPath(): string {
  const { path, candidates } = findWorkerScript(import.meta.url, "lib/embeddings", RUNTIME_FILE);
  if (!path) throw new Error(`embedding worker script not found (looked in ${candidates.join(", ")})`);
  return path;
}

type WorkerCall = { type: "load"; spec: RuntimeSpec } | { type: "embed" | "embedTokens"; texts: string[] };
type Pending = { resolve: (response: WorkerResponse) => void; reject: (error: Error) => void };

/** One worker thread speaking the embed-runtime protocol. */
class RuntimeThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: Error | null = null;

  constructor(scriptPath: string) {
    this.worker = new Worker(scriptPath, { workerData: { driftlineEmbedRuntime: true } });
    this.worker.unref();
    this.worker.on("message", (response: WorkerResponse) => {
      const entry = this.pending.get(response.id);
      if (!entry) return;
      this.pending.delete(response.id);
      if (this.pending.size === 0) this.worker.unref();
      entry.resolve(response);
    });
    const fail = (error: Error) => {
      this.exited ??= error;
      for (const entry of this.pending.values()) entry.reject(error);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`embedding worker exited with code ${code}`)));
  }

  get alive(): boolean {
    return this.exited === null;
  }

  async request(message: WorkerCall): Promise<WorkerResponse> {
    if (this.exited) throw this.exited;
    const id = this.nextId++;
    const response = new Promise<WorkerResponse>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // Keep the process alive only while an answer is outstanding.
    this.worker.ref();
    const request: WorkerRequest = { ...message, id };
    this.worker.postMessage(request);
    const answer = await response;
    if (!answer.ok) throw new Error(answer.error);
    return answer;
  }

  async load(spec: RuntimeSpec): Promise<{ dimensions: number; maxTokens: number }> {
    const answer = await this.request({ type: "load", spec });
    if (!("info" in answer)) throw new Error("embedding worker answered a load without model info");
    return answer.info;
  }

  async terminate(): Promise<void> {
    this.exited ??= new EmbedderClosedError();
    await this.worker.terminate();
  }
}

export class WorkerEmbedder implements Embedder {
  readonly modelId: string;
  readonly source: ModelSource;
  readonly fallback: FallbackInfo | null;
  readonly dimensions: number;
  readonly maxTokens: number;
  private thread: RuntimeThread | null;
  private restarting: Promise<RuntimeThread> | null = null;
  private closed = false;

  private constructor(
    private readonly model: ResolvedModel,
    private readonly scriptPath: string,
    thread: RuntimeThread,
    info: { dimensions: number; maxTokens: number },
    fallback: FallbackInfo | null,
  ) {
    this.modelId = model.modelId;
    this.source = model.source;
    this.fallback = fallback;
    this.dimensions = info.dimensions;
    this.maxTokens = info.maxTokens;
    this.thread = thread;
  }

  /** Starts a worker and loads `model` in it; the worker is terminated if loading fails. */
  static async load(model: ResolvedModel, fallback: FallbackInfo | null = null, scriptPath = workerScriptPath()): Promise<WorkerEmbedder> {
    const thread = new RuntimeThread(scriptPath);
    try {
      const info = await thread.load(model.spec);
      return new WorkerEmbedder(model, scriptPath, thread, info, fallback);
    } catch (error) {
      await thread.terminate();
      throw error;
    }
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return (await this.embedBatch(texts)).vectors;
  }

  async embedBatch(texts: string[]): Promise<EmbedBatchResult> {
    if (texts.length === 0) return { vectors: [], truncated: [], empty: [] };
    const thread = await this.liveThread();
    const answer = await thread.request({ type: "embed", texts });
    if (!("result" in answer)) throw new Error("embedding worker answered an embed without vectors");
    const { flat, dimensions, truncated, empty } = answer.result;
    const vectors = texts.map((_, i) => flat.slice(i * dimensions, (i + 1) * dimensions));
    return { vectors, truncated, empty };
  }

  async embedTokens(texts: string[]): Promise<TokenEmbeddings[]> {
    if (texts.length === 0) return [];
    const thread = await this.liveThread();
    const answer = await thread.request({ type: "embedTokens", texts });
    if (!("tokens" in answer)) throw new Error("embedding worker answered an embedTokens without tokens");
    return answer.tokens.map(splitTokenRows);
  }

  async close(): Promise<void> {
    this.closed = true;
    const thread = this.thread;
    this.thread = null;
    await thread?.terminate();
  }

  private async liveThread(): Promise<RuntimeThread> {
    if (this.closed) throw new EmbedderClosedError();
    if (this.thread?.alive) return this.thread;
    this.restarting ??= (async () => {
      const thread = new RuntimeThread(this.scriptPath);
      try {
        await thread.load(this.model.spec);
      } catch (error) {
        await thread.terminate();
        throw error;
      }
      return thread;
    })().finally(() => {
      this.restarting = null;
    });
    const thread = await this.restarting;
    if (this.closed) {
      await thread.terminate();
      throw new EmbedderClosedError();
    }
    this.thread = thread;
    return thread;
  }
}
