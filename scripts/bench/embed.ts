/**
 * Embedding throughput of the bundled static model.
 *
 *   npx tsx scripts/bench/embed.ts [--quick]
 *
 * For short (≈15 tokens) and long (≈120 tokens) texts at batch sizes 1, 32 and 128, texts/second of:
 *   in-process   createEmbedder({ worker: false }) — tokenizer + ONNX session + pooling + flags
 *   worker       createEmbedder({ worker: true })  — the same in a worker thread, plus messaging
 *   raw ort      onnxruntime-node session.run on pre-tokenised inputs + mean/normalise (no tokenizer)
 *   plain js     the same model as a Map<word, vector> with a regex tokenizer and a JS mean
 * and the ratios in-process / raw ort and in-process / plain js. Each figure is the median of
 * ROUNDS interleaved runs of ≥ MIN_SECONDS.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as ort from "onnxruntime-node";
import { AutoTokenizer } from "@huggingface/transformers";
import { BUNDLED_MODEL_NAME, bundledModelDir, createEmbedder, type Embedder } from "../../lib/embeddings/index";
import { PARAPHRASE_TRIPLES } from "../../lib/embeddings/test-fixtures";
import { benchRow, writeBenchSection, type BenchRow } from "./results";

const quick = process.argv.includes("--quick");
const BATCH_SIZES = [1, 32, 128] as const;
const MIN_SECONDS = quick ? 0.2 : 0.6;
const ROUNDS = quick ? 1 : 5;

const sentences = PARAPHRASE_TRIPLES.flat();
/** Deterministic texts: one sentence and a request (short, ≈15 tokens) or 15 sentences (long, ≈120 tokens). */
function makeTexts(kind: "short" | "long", count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    if (kind === "short") return `${sentences[i % sentences.length]}, thanks, I need it today`;
    return Array.from({ length: 15 }, (_, k) => sentences[(i * 7 + k * 13) % sentences.length]).join(". ");
  });
}

/** Runs `fn` over consecutive batches until MIN_SECONDS have passed; returns texts per second. */
async function measure(texts: string[], batchSize: number, fn: (batch: string[]) => Promise<unknown>): Promise<number> {
  const batches: string[][] = [];
  for (let i = 0; i < texts.length; i += batchSize) batches.push(texts.slice(i, i + batchSize));
  for (const batch of batches.slice(0, 3)) await fn(batch); // warm-up
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  for (let round = 0; elapsed < MIN_SECONDS * 1000; round++) {
    const batch = batches[round % batches.length]!;
    await fn(batch);
    done += batch.length;
    elapsed = performance.now() - start;
  }
  return (done / elapsed) * 1000;
}

/** The model's full table, read back through the ONNX graph itself (ids 0…V-1 in one row). */
async function loadTable(session: ort.InferenceSession, vocabSize: number): Promise<Float32Array> {
  const ids = BigInt64Array.from({ length: vocabSize }, (_, i) => BigInt(i));
  const mask = new BigInt64Array(vocabSize).fill(1n);
  const out = await session.run({
    input_ids: new ort.Tensor("int64", ids, [1, vocabSize]),
    attention_mask: new ort.Tensor("int64", mask, [1, vocabSize]),
  });
  return out.last_hidden_state!.data as Float32Array;
}

function plainJsEmbedder(vocab: Record<string, number>, table: Float32Array, dims: number) {
  const rows = new Map<string, Float32Array>();
  for (const [word, id] of Object.entries(vocab)) rows.set(word, table.subarray(id * dims, (id + 1) * dims));
  return (texts: string[]) =>
    texts.map((text) => {
      const sum = new Float64Array(dims);
      const words = text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").match(/[a-z0-9]+|[^\sa-z0-9]/g) ?? [];
      for (const word of words.slice(0, 510)) {
        const row = rows.get(word);
        if (row) for (let d = 0; d < dims; d++) sum[d]! += row[d]!;
      }
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += sum[d]! * sum[d]!;
      norm = Math.sqrt(norm) || 1;
      return Float32Array.from(sum, (x) => x / norm);
    });
}

function rawOrtEmbedder(session: ort.InferenceSession, dims: number) {
  return async (input: { ids: BigInt64Array; mask: BigInt64Array; batch: number; seq: number }) => {
    const out = await session.run({
      input_ids: new ort.Tensor("int64", input.ids, [input.batch, input.seq]),
      attention_mask: new ort.Tensor("int64", input.mask, [input.batch, input.seq]),
    });
    const data = out.last_hidden_state!.data as Float32Array;
    const vectors: Float32Array[] = [];
    for (let b = 0; b < input.batch; b++) {
      const sum = new Float64Array(dims);
      for (let s = 0; s < input.seq; s++) {
        if (input.mask[b * input.seq + s] === 0n) continue;
        const offset = (b * input.seq + s) * dims;
        for (let d = 0; d < dims; d++) sum[d]! += data[offset + d]!;
      }
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += sum[d]! * sum[d]!;
      norm = Math.sqrt(norm) || 1;
      vectors.push(Float32Array.from(sum, (x) => x / norm));
    }
    return vectors;
  };
}

async function main() {
  const dir = bundledModelDir();
  const inProcess: Embedder = await createEmbedder({ model: BUNDLED_MODEL_NAME, worker: false, env: {} });
  const inWorker: Embedder = await createEmbedder({ model: BUNDLED_MODEL_NAME, worker: true, env: {} });
  const tokenizer = await AutoTokenizer.from_pretrained(dir);
  const session = await ort.InferenceSession.create(join(dir, "onnx", "model.onnx"));
  const vocab = (JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8")) as { model: { vocab: Record<string, number> } }).model.vocab;
  const dims = inProcess.dimensions;
  const plainJs = plainJsEmbedder(vocab, await loadTable(session, Object.keys(vocab).length), dims);
  const rawOrt = rawOrtEmbedder(session, dims);

  // Sanity: the baselines compute the same vectors (up to tokenizer corner cases).
  const probe = ["I forgot my password, how can I change it"];
  const [ours] = await inProcess.embed(probe);
  const [theirs] = plainJs(probe);
  const agreement = ours!.reduce((s, x, i) => s + x * theirs![i]!, 0);

  console.log(`model ${inProcess.modelId} (${dims} dims, window ${inProcess.maxTokens}); node ${process.version}; cos(ours, plain js) = ${agreement.toFixed(6)}`);
  const rows: string[][] = [];
  const results: BenchRow[] = []; // for `npm run bench` (--json <file>)
  let peakRss = process.memoryUsage().rss;
  for (const kind of ["short", "long"] as const) {
    const texts = makeTexts(kind, 1024);
    const meanTokens = texts.slice(0, 64).reduce((s, t) => s + tokenizer.encode(t).length, 0) / 64;
    for (const batchSize of BATCH_SIZES) {
      // Pre-tokenise for the raw ORT baseline, outside the timed region.
      const pretokenised = new Map<string[], { ids: BigInt64Array; mask: BigInt64Array; batch: number; seq: number }>();
      const tokenise = (batch: string[]) => {
        const enc = tokenizer(batch, { padding: true, truncation: true });
        const ids = enc.input_ids as { data: BigInt64Array; dims: number[] };
        const mask = enc.attention_mask as { data: BigInt64Array };
        return { ids: ids.data, mask: mask.data, batch: ids.dims[0]!, seq: ids.dims[1]! };
      };
      const batchesOf = (list: string[]) => {
        const out: string[][] = [];
        for (let i = 0; i < list.length; i += batchSize) out.push(list.slice(i, i + batchSize));
        return out;
      };
      for (const batch of batchesOf(texts)) pretokenised.set(batch, tokenise(batch));
      const byContent = new Map([...pretokenised].map(([k, v]) => [k.join("\u0000"), v]));

      // Interleave the four runners and keep each one's median round: the machine is shared, and a
      // burst of foreign load should not land on one runner only.
      const runners: Record<string, (b: string[]) => Promise<unknown>> = {
        inProc: (b) => inProcess.embedBatch(b),
        worker: (b) => inWorker.embedBatch(b),
        raw: (b) => rawOrt(byContent.get(b.join("\u0000")) ?? tokenise(b)),
        js: async (b) => plainJs(b),
      };
      const samples: Record<string, number[]> = { inProc: [], worker: [], raw: [], js: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, run] of Object.entries(runners)) samples[name]!.push(await measure(texts, batchSize, run));
      }
      const median = (name: string) => [...samples[name]!].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
      const [inProc, worker, raw, js] = [median("inProc"), median("worker"), median("raw"), median("js")];
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      rows.push([
        `${kind} (≈${Math.round(meanTokens)} tok)`,
        String(batchSize),
        inProc.toFixed(0),
        worker.toFixed(0),
        raw.toFixed(0),
        js.toFixed(0),
        (inProc / raw).toFixed(2),
        (inProc / js).toFixed(2),
      ]);
      results.push(
        benchRow({
          figure: `${kind} texts (≈${Math.round(meanTokens)} tokens), batch ${batchSize}: in-process pipeline`,
          value: inProc,
          unit: "texts/s",
          baseline: "raw onnxruntime on pre-tokenised inputs",
          baselineValue: raw,
          target: batchSize === 32 ? { on: "ratio", op: ">=", limit: 0.9 } : undefined,
        }),
      );
    }
  }
  const header = ["texts", "batch", "in-process/s", "worker/s", "raw ort/s", "plain js/s", "in-proc ÷ raw ort", "in-proc ÷ plain js"];
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  console.log(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB (main thread process; includes the worker's heap)`);
  await writeBenchSection({
    name: "embed",
    title: "Embeddings: the model",
    script: "scripts/bench/embed.ts",
    rows: results,
    tables: [{ caption: "Every runner, texts/s:", columns: header, align: header.map((_, i) => (i === 0 ? "l" : "r")), rows }],
    notes: [
      `Model ${inProcess.modelId} (${dims} dims, window ${inProcess.maxTokens}); cosine of the in-process and plain-JS vectors of a probe text ${agreement.toFixed(6)}. Peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB.`,
    ],
  });
  await Promise.all([inProcess.close(), inWorker.close(), session.release()]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
