/**
 * createEmbedder(): the configured model, or — when it cannot be loaded — the bundled static model,
 * announced by a single warning per process.
 */
import type { Embedder, FallbackInfo } from "./embedder";
import {
  readEmbeddingConfig,
  resolveBundledModel,
  resolveConfiguredModel,
  type EmbeddingConfig,
  type ResolvedModel,
} from "./registry";
import { TransformersEmbedder } from "./transformers-embedder";
import { WorkerEmbedder } from "./worker-embedder";

export type { EmbedBatchResult, Embedder, FallbackInfo, ModelSource, TokenEmbeddings } from "./embedder";
export { EmbedderClosedError } from "./embedder";
export {
  BUNDLED_MODEL_NAME,
  DEFAULT_EMBEDDING_MODEL,
  EmbeddingConfigError,
  bundledModelDir,
  readEmbeddingConfig,
  type EmbeddingConfig,
} from "./registry";

export interface CreateEmbedderOptions extends Partial<EmbeddingConfig> {
  /** Environment to read EMBEDDING_* / DRIFTLINE_MODEL_CACHE from (default process.env); explicit options win. */
  env?: Record<string, string | undefined>;
  /** Run the model in a worker thread (default true) or on the calling thread. */
  worker?: boolean;
  /** Fall back to the bundled model when the configured one cannot be loaded (default true). */
  fallback?: boolean;
  /** Give up loading the configured model after this long and fall back (default 5 minutes). */
  loadTimeoutMs?: number;
  /** Receives the fallback warning (default console.warn). */
  warn?: (message: string) => void;
}

const DEFAULT_LOAD_TIMEOUT_MS = 5 * 60_000;
/** Configured models already warned about in this process: the warning is said once. */
const warnedFallbacks = new Set<string>();

export async function createEmbedder(options: CreateEmbedderOptions = {}): Promise<Embedder> {
  const { env, worker = true, fallback = true, loadTimeoutMs = DEFAULT_LOAD_TIMEOUT_MS, warn = console.warn, ...overrides } = options;
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<EmbeddingConfig>;
  const config: EmbeddingConfig = { ...readEmbeddingConfig(env), ...defined };
  const load = (model: ResolvedModel, info: FallbackInfo | null): Promise<Embedder> =>
    worker ? WorkerEmbedder.load(model, info) : TransformersEmbedder.load(model, info);

  let configured: ResolvedModel | null = null;
  try {
    configured = resolveConfiguredModel(config);
    return await withTimeout(load(configured, null), loadTimeoutMs, `loading took longer than ${loadTimeoutMs} ms`);
  } catch (error) {
    const bundled = resolveBundledModel(config.cacheDir);
    const requested = configured?.label ?? config.modelPath ?? config.model;
    if (!fallback || configured?.source === "bundled") throw error;
    const reason = error instanceof Error ? error.message : String(error);
    if (!warnedFallbacks.has(requested)) {
      warnedFallbacks.add(requested);
      warn(
        `[driftline] embedding model "${requested}" could not be loaded (${reason}). ` +
          `Falling back to the bundled offline model ${bundled.modelId} (${bundled.label}); ` +
          `vectors are recorded under that id and are not compared with ${requested} vectors. ` +
          `Set EMBEDDING_MODEL_PATH to a local model folder, or make the Hugging Face hub reachable, to use ${requested}.`,
      );
    }
    return load(bundled, { requested, reason });
  }
}

async function withTimeout(promise: Promise<Embedder>, ms: number, message: string): Promise<Embedder> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(message));
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    // A load that finishes after we gave up must not leak a worker.
    if (timedOut) promise.then((late) => late.close(), () => undefined);
  }
}
