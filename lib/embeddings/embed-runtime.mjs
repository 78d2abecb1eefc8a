// The transformers.js side of Driftline's embedder, shared by the in-process embedder and the
// worker thread. Plain ESM JavaScript with no relative imports, so a Worker can run this file
// directly under Node, tsx, vitest or a Next.js server without a TypeScript loader or bundler.
import { endianness } from "node:os";
import { isMainThread, parentPort, workerData } from "node:worker_threads";

/** @type {Promise<typeof import("@huggingface/transformers")> | undefined} */
let transformersModule;
const transformers = () => (transformersModule ??= import("@huggingface/transformers"));

/** Texts per model call; texts are sorted by length first so each call pads little. */
const BATCH_SIZE = 32;
/** Used when neither the tokenizer nor the model config states a usable window. */
const DEFAULT_MAX_TOKENS = 512;
/**
 * Texts are cut to maxTokens × this many characters before tokenising: the tokenizer reads a whole
 * text before truncating, and a megabyte-long prompt should not cost a megabyte of tokenising.
 * Far above any real token length, so it only bites on pathological inputs (and is reported).
 */
export const CHARS_PER_TOKEN_LIMIT = 64;

/**
 * Loads a model through the standard feature-extraction pipeline.
 * @param {import("./embed-runtime.mjs").RuntimeSpec} spec
 * @returns {Promise<import("./embed-runtime.mjs").EmbedRuntime>}
 */
export async function loadRuntime(spec) {
  const { pipeline, env } = await transformers();
  // transformers.js settings are per thread (module state); set them for every load.
  env.allowLocalModels = true;
  env.allowRemoteModels = spec.allowRemote;
  if (spec.cacheDir) env.cacheDir = spec.cacheDir;
  const extractor = await pipeline("feature-extraction", spec.source, {
    dtype: /** @type {any} */ (spec.dtype),
    local_files_only: !spec.allowRemote,
  });
  const runtime = { extractor, maxTokens: resolveMaxTokens(extractor), dimensions: 0 };
  const probe = await embedTexts(runtime, ["dimension probe"]);
  runtime.dimensions = probe.vectors[0]?.length ?? 0;
  if (!runtime.dimensions) throw new Error(`model ${spec.source} produced no embedding`);
  return runtime;
}

/** @param {any} extractor */
function resolveMaxTokens(extractor) {
  const fromTokenizer = Number(extractor.tokenizer?.model_max_length);
  const fromConfig = Number(extractor.model?.config?.max_position_embeddings);
  const candidates = [fromTokenizer, fromConfig].filter((n) => Number.isFinite(n) && n > 0 && n <= 1_000_000);
  return candidates.length ? Math.min(...candidates) : DEFAULT_MAX_TOKENS;
}

/**
 * Mean-pools and L2-normalises, exactly as pipeline(..., { pooling: "mean", normalize: true }),
 * and also reports truncation and all-zero ("empty") vectors.
 * @param {import("./embed-runtime.mjs").EmbedRuntime} runtime
 * @param {string[]} texts
 * @returns {Promise<import("./embed-runtime.mjs").RuntimeBatchResult>}
 */
export async function embedTexts(runtime, texts) {
  const order = texts.map((_, i) => i).sort((a, b) => (texts[a]?.length ?? 0) - (texts[b]?.length ?? 0));
  /** @type {Float32Array[]} */ const vectors = new Array(texts.length);
  /** @type {boolean[]} */ const truncated = new Array(texts.length);
  /** @type {boolean[]} */ const empty = new Array(texts.length);
  for (let start = 0; start < order.length; start += BATCH_SIZE) {
    const indices = order.slice(start, start + BATCH_SIZE);
    const batch = await embedChunk(runtime, indices.map((i) => texts[i] ?? ""));
    indices.forEach((original, k) => {
      vectors[original] = batch.vectors[k];
      truncated[original] = batch.truncated[k];
      empty[original] = batch.empty[k];
    });
  }
  return { vectors, truncated, empty };
}

const LITTLE_ENDIAN = endianness() === "LE";

/**
 * Equal-length rows of token ids, masks or type ids as one int64 tensor. The tokenizer's own tensor
 * path makes a heap BigInt per value (`.map(BigInt)`), a fifth of a static model's whole embedding
 * time; here each non-negative int32 is written as the low word of its int64 slot, whose high word
 * stays zero. Same values, same tensor.
 * @param {typeof import("@huggingface/transformers").Tensor} Tensor
 * @param {number[][]} rows
 */
export function int64Tensor(Tensor, rows) {
  const batch = rows.length;
  const seq = rows[0]?.length ?? 0;
  const data = new BigInt64Array(batch * seq);
  const words = LITTLE_ENDIAN ? new Int32Array(data.buffer) : null;
  for (let b = 0; b < batch; b++) {
    const row = /** @type {number[]} */ (rows[b]);
    for (let s = 0; s < seq; s++) {
      const value = /** @type {number} */ (row[s]);
      const k = b * seq + s;
      if (words && value >= 0 && value <= 0x7fffffff && Number.isInteger(value)) words[2 * k] = value;
      else data[k] = BigInt(value);
    }
  }
  return new Tensor("int64", data, [batch, seq]);
}

/**
 * Tokenises a batch (padded, truncated to the window; texts first cut to maxTokens × CHARS_PER_TOKEN_LIMIT
 * characters) and runs the model: the last hidden state [batch, seq, dims] with the encoding.
 * @param {import("./embed-runtime.mjs").EmbedRuntime} runtime
 * @param {string[]} texts
 */
async function runModel(runtime, texts) {
  const { tokenizer, model } = runtime.extractor;
  const { Tensor } = await transformers();
  const maxTokens = runtime.maxTokens;
  const charLimit = maxTokens * CHARS_PER_TOKEN_LIMIT;
  const clipped = texts.map((t) => t.length > charLimit);
  const inputTexts = texts.map((t, i) => (clipped[i] ? t.slice(0, charLimit) : t));
  // Plain arrays, padded and truncated by the tokenizer; made into tensors by int64Tensor.
  const encoded = /** @type {Record<string, number[][]>} */ (
    /** @type {unknown} */ (tokenizer(inputTexts, { padding: true, truncation: true, max_length: maxTokens, return_tensor: false }))
  );
  /** @type {Record<string, import("@huggingface/transformers").Tensor>} */
  const inputs = {};
  for (const [key, rows] of Object.entries(encoded)) inputs[key] = int64Tensor(Tensor, rows);
  const outputs = await model(inputs);
  let hidden = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
  if (hidden.type !== "float32") hidden = hidden.to("float32");
  const [batch, seq, dims] = hidden.dims;
  const data = /** @type {Float32Array} */ (hidden.data);
  const mask = /** @type {number[][]} */ (encoded.attention_mask);
  const ids = /** @type {number[][]} */ (encoded.input_ids);
  return { tokenizer, maxTokens, clipped, inputTexts, batch, seq, dims, data, mask, ids };
}

/**
 * @param {import("./embed-runtime.mjs").EmbedRuntime} runtime
 * @param {string[]} texts
 */
async function embedChunk(runtime, texts) {
  const { tokenizer, maxTokens, clipped, inputTexts, batch, seq, dims, data, mask } = await runModel(runtime, texts);
  const vectors = [];
  const truncated = [];
  const empty = [];
  const sums = new Float64Array(dims);
  for (let b = 0; b < batch; b++) {
    sums.fill(0);
    let count = 0;
    const maskRow = /** @type {number[]} */ (mask[b]);
    for (let s = 0; s < seq; s++) {
      const m = /** @type {number} */ (maskRow[s]);
      if (m === 0) continue;
      count += m;
      const offset = (b * seq + s) * dims;
      for (let d = 0; d < dims; d++) sums[d] += data[offset + d] * m;
    }
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += sums[d] * sums[d];
    norm = Math.sqrt(norm);
    // The mean's division by `count` cancels in the normalisation; skipping it changes no bits
    // beyond float rounding.
    const vector = new Float32Array(dims);
    if (norm > 0 && count > 0) for (let d = 0; d < dims; d++) vector[d] = sums[d] / norm;
    vectors.push(vector);
    empty.push(!(norm > 0));
    // Only a text that filled the whole window can have been cut; count its full length once.
    truncated.push(clipped[b] || (count >= maxTokens && tokenizer.encode(inputTexts[b] ?? "").length > maxTokens));
  }
  return { vectors, truncated, empty };
}

/**
 * Per-token vectors (the model's last hidden state at each token), for BERTScore-style matching.
 * Special tokens ([CLS], [SEP], padding) are left out, and so are tokens whose vector is all zeros
 * (the bundled static model's [UNK]): they carry no meaning to match. Texts longer than the token
 * window are truncated as in embedTexts.
 * @param {import("./embed-runtime.mjs").EmbedRuntime} runtime
 * @param {string[]} texts
 * @returns {Promise<import("./embed-runtime.mjs").RuntimeTokenResult[]>}
 */
export async function embedTokenTexts(runtime, texts) {
  /** @type {import("./embed-runtime.mjs").RuntimeTokenResult[]} */
  const out = new Array(texts.length);
  const order = texts.map((_, i) => i).sort((a, b) => (texts[a]?.length ?? 0) - (texts[b]?.length ?? 0));
  for (let start = 0; start < order.length; start += BATCH_SIZE) {
    const indices = order.slice(start, start + BATCH_SIZE);
    const batch = await tokenChunk(runtime, indices.map((i) => texts[i] ?? ""));
    indices.forEach((original, k) => {
      out[original] = /** @type {import("./embed-runtime.mjs").RuntimeTokenResult} */ (batch[k]);
    });
  }
  return out;
}

/** @type {WeakMap<object, string[]>} */
const reverseVocabs = new WeakMap();

/** @param {any} tokenizer */
function tokenName(tokenizer, /** @type {number} */ id) {
  let names = reverseVocabs.get(tokenizer);
  if (!names) {
    names = [];
    for (const [token, index] of tokenizer.get_vocab()) names[index] = token;
    reverseVocabs.set(tokenizer, names);
  }
  return names[id] ?? String(id);
}

/**
 * @param {import("./embed-runtime.mjs").EmbedRuntime} runtime
 * @param {string[]} texts
 */
async function tokenChunk(runtime, texts) {
  const { tokenizer, batch, seq, dims, data, mask, ids } = await runModel(runtime, texts);
  const special = new Set(/** @type {number[]} */ (tokenizer.all_special_ids ?? []));
  /** @type {import("./embed-runtime.mjs").RuntimeTokenResult[]} */
  const results = [];
  for (let b = 0; b < batch; b++) {
    /** @type {string[]} */ const tokens = [];
    /** @type {number[]} */ const offsets = [];
    for (let s = 0; s < seq; s++) {
      const id = /** @type {number} */ (ids[b]?.[s]);
      if (mask[b]?.[s] === 0 || special.has(id)) continue;
      const offset = (b * seq + s) * dims;
      let nonZero = false;
      for (let d = 0; d < dims && !nonZero; d++) nonZero = data[offset + d] !== 0;
      if (!nonZero) continue;
      tokens.push(tokenName(tokenizer, id));
      offsets.push(offset);
    }
    const flat = new Float32Array(offsets.length * dims);
    offsets.forEach((offset, k) => flat.set(data.subarray(offset, offset + dims), k * dims));
    results.push({ tokens, flat, dimensions: dims });
  }
  return results;
}

/** @param {unknown} error */
const describe = (error) => (error instanceof Error ? error.message : String(error));

// ---- worker thread entry -------------------------------------------------------------------

if (!isMainThread && parentPort && workerData && workerData.driftlineEmbedRuntime === true) {
  const port = parentPort;
  /** @type {import("./embed-runtime.mjs").EmbedRuntime | undefined} */
  let runtime;
  // One request at a time, in arrival order: the model session is not shared between calls.
  let queue = Promise.resolve();
  port.on("message", (/** @type {any} */ message) => {
    queue = queue.then(async () => {
      try {
        if (message.type === "load") {
          runtime = await loadRuntime(message.spec);
          port.postMessage({ id: message.id, ok: true, info: { dimensions: runtime.dimensions, maxTokens: runtime.maxTokens } });
        } else if (message.type === "embed") {
          if (!runtime) throw new Error("no model loaded in the embedding worker");
          const result = await embedTexts(runtime, message.texts);
          const flat = new Float32Array(result.vectors.length * runtime.dimensions);
          result.vectors.forEach((v, i) => flat.set(v, i * runtime.dimensions));
          port.postMessage(
            { id: message.id, ok: true, result: { flat, dimensions: runtime.dimensions, truncated: result.truncated, empty: result.empty } },
            [flat.buffer],
          );
        } else if (message.type === "embedTokens") {
          if (!runtime) throw new Error("no model loaded in the embedding worker");
          const results = await embedTokenTexts(runtime, message.texts);
          port.postMessage({ id: message.id, ok: true, tokens: results }, results.map((r) => r.flat.buffer));
        } else {
          throw new Error(`unknown message type ${message.type}`);
        }
      } catch (error) {
        port.postMessage({ id: message.id, ok: false, error: describe(error) });
      }
    });
  });
}
