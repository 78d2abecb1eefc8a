/**
 * Which model Driftline embeds with, resolved from the environment.
 *
 *   EMBEDDING_MODEL         transformers.js model id on the Hugging Face hub (default Xenova/all-MiniLM-L6-v2)
 *   EMBEDDING_MODEL_PATH    a local model folder instead (air-gapped installs); wins over EMBEDDING_MODEL
 *   EMBEDDING_DTYPE         ONNX weights variant (fp32, fp16, q8, …; default fp32 → onnx/model.onnx)
 *   EMBEDDING_OFFLINE       "1"/"true": never contact the hub (models must be in the cache or local)
 *   DRIFTLINE_MODEL_CACHE   where hub downloads are cached (default .data/models)
 *
 * EMBEDDING_MODEL=driftline-glove-100d selects the bundled static model directly.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { RuntimeSpec } from "./embed-runtime.mjs";
import type { ModelSource } from "./embedder";

export const DEFAULT_EMBEDDING_MODEL = "Xenova/all-MiniLM-L6-v2";
export const BUNDLED_MODEL_NAME = "driftline-glove-100d";
export const DEFAULT_MODEL_CACHE = ".data/models";

const DTYPES = ["auto", "fp32", "fp16", "q8", "int8", "uint8", "q4", "bnb4", "q4f16"] as const;
export type EmbeddingDtype = (typeof DTYPES)[number];

const booleanFlag = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

const EnvSchema = z.object({
  EMBEDDING_MODEL: z.string().trim().min(1).optional(),
  EMBEDDING_MODEL_PATH: z.string().trim().min(1).optional(),
  EMBEDDING_DTYPE: z.enum(DTYPES).optional(),
  EMBEDDING_OFFLINE: booleanFlag,
  DRIFTLINE_MODEL_CACHE: z.string().trim().min(1).optional(),
});

export interface EmbeddingConfig {
  /** Hub model id, or BUNDLED_MODEL_NAME. */
  model: string;
  /** Local model folder; when set it is used instead of `model`. */
  modelPath?: string;
  dtype: EmbeddingDtype;
  /** false: never contact the hub. */
  allowRemoteModels: boolean;
  cacheDir: string;
}

export class EmbeddingConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmbeddingConfigError";
  }
}

/** Reads and validates the embedding variables; the error names the malformed variable. */
export function readEmbeddingConfig(env: Record<string, string | undefined> = process.env): EmbeddingConfig {
  const parsed = EnvSchema.safeParse({
    EMBEDDING_MODEL: env.EMBEDDING_MODEL || undefined,
    EMBEDDING_MODEL_PATH: env.EMBEDDING_MODEL_PATH || undefined,
    EMBEDDING_DTYPE: env.EMBEDDING_DTYPE || undefined,
    EMBEDDING_OFFLINE: env.EMBEDDING_OFFLINE?.toLowerCase(),
    DRIFTLINE_MODEL_CACHE: env.DRIFTLINE_MODEL_CACHE || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EmbeddingConfigError(`invalid ${String(issue?.path[0] ?? "embedding setting")}: ${issue?.message ?? "malformed"}`);
  }
  const e = parsed.data;
  return {
    model: e.EMBEDDING_MODEL ?? DEFAULT_EMBEDDING_MODEL,
    modelPath: e.EMBEDDING_MODEL_PATH ? resolve(e.EMBEDDING_MODEL_PATH) : undefined,
    dtype: e.EMBEDDING_DTYPE ?? "fp32",
    allowRemoteModels: !e.EMBEDDING_OFFLINE,
    cacheDir: resolve(e.DRIFTLINE_MODEL_CACHE ?? DEFAULT_MODEL_CACHE),
  };
}

/** A model ready to hand to the runtime, with the id its vectors are recorded under. */
export interface ResolvedModel {
  modelId: string;
  source: ModelSource;
  /** What was asked for, for messages. */
  label: string;
  spec: RuntimeSpec;
}

/**
 * The bundled static model folder. Looked up next to this module first, then under the working
 * directory (bundled server code does not keep the source layout).
 */
export function bundledModelDir(): string {
  const candidates = [
    resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "models", BUNDLED_MODEL_NAME),
    resolve(process.cwd(), "models", BUNDLED_MODEL_NAME),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, "config.json")));
  if (!found) throw new EmbeddingConfigError(`the bundled model ${BUNDLED_MODEL_NAME} was not found (looked in ${candidates.join(", ")})`);
  return found;
}

const DTYPE_SUFFIX: Record<string, string> = { fp32: "", auto: "", fp16: "_fp16", q8: "_quantized", int8: "_int8", uint8: "_uint8", q4: "_q4", bnb4: "_bnb4", q4f16: "_q4f16" };

/**
 * `<folder name>@<12 hex of sha256(tokenizer.json + weights)>`: a folder whose files change gets a
 * new id, so vectors of a rebuilt model are never mixed with the old ones.
 */
export function localModelId(dir: string, dtype: string): string {
  const hash = createHash("sha256");
  for (const file of ["tokenizer.json", join("onnx", `model${DTYPE_SUFFIX[dtype] ?? ""}.onnx`)]) {
    const path = join(dir, file);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return `${basename(dir)}@${hash.digest("hex").slice(0, 12)}`;
}

export function resolveBundledModel(cacheDir: string): ResolvedModel {
  const dir = bundledModelDir();
  return {
    modelId: localModelId(dir, "fp32"),
    source: "bundled",
    label: BUNDLED_MODEL_NAME,
    spec: { source: dir, dtype: "fp32", allowRemote: false, cacheDir },
  };
}

/** The configured model (not yet loaded); the bundled one is the fallback. */
export function resolveConfiguredModel(config: EmbeddingConfig): ResolvedModel {
  if (config.modelPath) {
    return {
      modelId: localModelId(config.modelPath, config.dtype),
      source: "local",
      label: config.modelPath,
      spec: { source: config.modelPath, dtype: config.dtype, allowRemote: false, cacheDir: config.cacheDir },
    };
  }
  if (config.model === BUNDLED_MODEL_NAME) return resolveBundledModel(config.cacheDir);
  return {
    // The weights variant changes the vectors, so a non-default dtype is part of the id.
    modelId: config.dtype === "fp32" ? config.model : `${config.model}:${config.dtype}`,
    source: "hub",
    label: config.model,
    spec: { source: config.model, dtype: config.dtype, allowRemote: config.allowRemoteModels, cacheDir: config.cacheDir },
  };
}
