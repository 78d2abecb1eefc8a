// Part 2 of `npm run bench:embed`: the embedding job end to end into the real
// PostgreSQL server (claim → embed → store with HNSW upkeep → delete backlog
// rows), side by side with the same texts through the embedder alone, for the
// bundled static model and the MiniLM-shaped transformer (each in its own
// database); then, on the static model's vectors, kNN query latency and recall
// through the per-model partial HNSW index (Driftline's layout) vs a dedicated
// typed vector(100) column with its own index (the alternative layout).
//
//   BENCH_TRACES         traces for the static model (default 5000)
//   BENCH_MINILM_TRACES  traces for the MiniLM-shaped model (default 300; ≈100× the cost per text)
//   BENCH_MODELS         static,minilm (default both)
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { ensureEmbeddingModel } from "@/db/embedding-index";
import { runMigrations } from "@/db/migrate";
import { projects } from "@/db/schema";
import { generateDemoTraces } from "@/lib/demo/world";
import { createEmbedder, type CreateEmbedderOptions, type Embedder } from "@/lib/embeddings";
import { drainEmbeddingBacklog } from "@/lib/jobs/embed";
import { analyzeGrowingTables } from "@/lib/jobs/analyze";
import { nearestTraces } from "@/db/nearest-traces";
import { parseNativeBatch } from "@/lib/ingest/validate-native";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { createScratchDatabase } from "../../testing/scratch-database";
import { defaultMiniLmOptions, ensureMiniLmShapedModel } from "../models/build-minilm-shaped";
import { benchRow, isQuick, writeBenchSection } from "./results";

const base = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const BATCH_SIZE = 64;

type ModelKey = "static" | "minilm";

interface JobResult {
  key: ModelKey;
  modelId: string;
  dimensions: number;
  traces: number;
  texts: number;
  /** The same texts through the embedder alone (worker thread, batches of 64). */
  embedOnlyPerSecond: number;
  /** drainEmbeddingBacklog: claim with SKIP LOCKED, embed, store, delete backlog rows, build HNSW after the drain. */
  jobPerSecond: number;
  knn: KnnResult | null;
  /** Peak RSS of this process so far (models run one after the other). */
  peakRssMiB: number;
}

interface KnnResult {
  queries: number;
  partial: { p50: number; p95: number };
  typed: { p50: number; p95: number };
  recallAt10: number;
}

function embedderOptions(key: ModelKey): CreateEmbedderOptions {
  if (key === "static") return { worker: true, env: { EMBEDDING_MODEL: "driftline-glove-100d" } };
  const options = defaultMiniLmOptions();
  if (ensureMiniLmShapedModel(options)) console.error(`built the MiniLM-shaped model into ${options.outDir}`);
  return { worker: true, fallback: false, env: { EMBEDDING_MODEL_PATH: options.outDir } };
}

/** A fresh database on the server, dropped after `run`. */
async function withDatabase<T>(run: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const scratch = await createScratchDatabase(base, "driftline_bench");
  const handle = await openDatabase({ url: scratch.url, maxConnections: 4 });
  try {
    await runMigrations(handle);
    return await run(handle);
  } finally {
    await handle.close();
    await scratch.drop();
  }
}

async function seedTraces(handle: DatabaseHandle, traces: number): Promise<string> {
  const [project] = await handle.db.insert(projects).values({ slug: "bench", name: "bench" }).returning();
  const world = [...generateDemoTraces({ days: 30, perDay: Math.ceil(traces / 30), end: new Date("2026-11-28T00:00:00Z"), seed: 1 })].slice(0, traces);
  for (let i = 0; i < world.length; i += 500) {
    const parsed = parseNativeBatch({ traces: world.slice(i, i + 500) }, { now: () => Date.parse("2026-11-28T00:00:00Z") });
    await recordTraces(handle.db, { projectId: project!.id, traces: parsed.items.flatMap((it) => (it.trace ? [it.trace] : [])) });
    await analyzeGrowingTables(handle);
  }
  return project!.id;
}

async function benchJob(key: ModelKey, traces: number, withKnn: boolean): Promise<JobResult> {
  return withDatabase(async (handle) => {
    const projectId = await seedTraces(handle, traces);
    const [{ n: texts } = { n: 0 }] = await handle.query<{ n: number }>("select count(*)::int as n from embedding_backlog");
    const embedder = await createEmbedder(embedderOptions(key));
    try {
      // Baseline: the same texts through the embedder alone, no database.
      const rows = await handle.query<{ prompt_text: string | null; response_text: string | null }>("select prompt_text, response_text from traces");
      const allTexts = rows.flatMap((r) => [r.prompt_text, r.response_text]).filter((t): t is string => Boolean(t && t.trim()));
      let t0 = performance.now();
      for (let i = 0; i < allTexts.length; i += BATCH_SIZE) await embedder.embedBatch(allTexts.slice(i, i + BATCH_SIZE));
      const embedOnlyPerSecond = allTexts.length / ((performance.now() - t0) / 1000);

      t0 = performance.now();
      const stats = await drainEmbeddingBacklog(handle, embedder, { batchSize: BATCH_SIZE });
      const jobPerSecond = stats.embedded / ((performance.now() - t0) / 1000);
      const knn = withKnn ? await benchKnn(handle, embedder, projectId, allTexts) : null;
      return {
        key,
        modelId: embedder.modelId,
        dimensions: embedder.dimensions,
        traces,
        texts,
        embedOnlyPerSecond,
        jobPerSecond,
        knn,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
      };
    } finally {
      await embedder.close();
    }
  });
}

/** kNN: the partial expression index Driftline uses vs a dedicated typed column, and recall against exact search. */
async function benchKnn(handle: DatabaseHandle, embedder: Embedder, projectId: string, allTexts: string[]): Promise<KnnResult> {
  const model = await ensureEmbeddingModel(handle, embedder.modelId, embedder.dimensions);
  await handle.query(`create table knn_typed as select trace_id, embedding::vector(${model.dimensions}) as embedding from embeddings where kind = 'prompt'`);
  await handle.query(`create index on knn_typed using hnsw (embedding vector_cosine_ops)`);
  await handle.query("analyze");
  const queries = await embedder.embed(allTexts.slice(0, 200).map((t) => `${t} please`));
  const time = async (run: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < queries.length; i++) {
      const s = performance.now();
      await run();
      samples.push(performance.now() - s);
    }
    samples.sort((a, b) => a - b);
    return { p50: samples[Math.floor(samples.length * 0.5)]!, p95: samples[Math.floor(samples.length * 0.95)]! };
  };
  let qi = 0;
  const partial = await time(() => nearestTraces(handle, { projectId, model, kind: "prompt", vector: queries[qi++ % queries.length]!, k: 10, efSearch: 100 }));
  qi = 0;
  const typed = await time(async () => {
    const v = `[${Array.from(queries[qi++ % queries.length]!).join(",")}]`;
    await handle.db.transaction(async (tx) => {
      await tx.execute("set local hnsw.ef_search = 100");
      await tx.execute(`select trace_id from knn_typed order by embedding <=> '${v}' limit 10`);
    });
  });
  let hits = 0;
  const recallQueries = queries.slice(0, 50);
  for (const q of recallQueries) {
    const found = await nearestTraces(handle, { projectId, model, kind: "prompt", vector: q, k: 10, efSearch: 100 });
    const exact = await handle.query<{ trace_id: string }>(
      `select trace_id from embeddings where model_id = ${model.id} and kind = 'prompt' order by embedding <=> $1::vector limit 10`,
      [`[${Array.from(q).join(",")}]`],
    );
    const truth = new Set(exact.map((r) => r.trace_id));
    hits += found.filter((f) => truth.has(f.traceId)).length;
  }
  return { queries: queries.length, partial, typed, recallAt10: hits / (recallQueries.length * 10) };
}

function printResults(results: JobResult[]): void {
  console.log(`embedding job on PostgreSQL, embedder in a worker thread, batch ${BATCH_SIZE}\n`);
  console.log("model | traces | texts | embedder alone (texts/s) | job: claim, embed, store, delete (texts/s) | job ÷ embedder | peak RSS so far (MiB)");
  console.log("--- | ---: | ---: | ---: | ---: | ---: | ---:");
  for (const r of results) {
    console.log(
      `${r.modelId} (${r.dimensions} dims) | ${r.traces} | ${r.texts} | ${r.embedOnlyPerSecond.toFixed(0)} | ${r.jobPerSecond.toFixed(0)} | ${(r.jobPerSecond / r.embedOnlyPerSecond).toFixed(2)} | ${r.peakRssMiB.toFixed(0)}`,
    );
  }
  for (const r of results) {
    if (!r.knn) continue;
    console.log(`\nkNN (k = 10, ef_search = 100) over ${r.traces} prompt vectors of ${r.dimensions} dimensions (${r.modelId}), ${r.knn.queries} queries\n`);
    console.log("layout | p50 ms | p95 ms");
    console.log("--- | ---: | ---:");
    console.log(`partial HNSW index on embedding::vector(${r.dimensions}) per model (Driftline) | ${r.knn.partial.p50.toFixed(2)} | ${r.knn.partial.p95.toFixed(2)}`);
    console.log(`dedicated vector(${r.dimensions}) column with its own HNSW (baseline) | ${r.knn.typed.p50.toFixed(2)} | ${r.knn.typed.p95.toFixed(2)}`);
    console.log(`\nrecall@10 of Driftline's query against exact search: ${r.knn.recallAt10.toFixed(3)}`);
  }
}

const models = (process.env.BENCH_MODELS ?? "static,minilm").split(",").map((m) => m.trim()) as ModelKey[];
const results: JobResult[] = [];
for (const key of models) {
  if (key !== "static" && key !== "minilm") throw new Error(`BENCH_MODELS: unknown model ${key} (static, minilm)`);
  const traces = Number(
    key === "static" ? (process.env.BENCH_TRACES ?? (isQuick() ? 500 : 5000)) : (process.env.BENCH_MINILM_TRACES ?? (isQuick() ? 50 : 300)),
  );
  results.push(await benchJob(key, traces, key === "static"));
}
printResults(results);

// For `npm run bench` (--json <file>): the job against the embedder alone, and kNN against a dedicated column.
await writeBenchSection({
  name: "embed-job",
  title: "Embeddings: the job and kNN",
  script: "scripts/bench/embed-job.ts",
  rows: results.flatMap((r) => [
    benchRow({
      figure: `${r.modelId}: embedding job (claim with SKIP LOCKED, embed, store, delete backlog rows)`,
      value: r.jobPerSecond,
      unit: "texts/s",
      baseline: `embedder alone, worker thread, batch ${BATCH_SIZE}`,
      baselineValue: r.embedOnlyPerSecond,
    }),
    ...(r.knn
      ? [
          benchRow({ figure: `kNN p50, partial HNSW on embedding::vector(${r.dimensions}) per model and kind`, value: r.knn.partial.p50, unit: "ms", baseline: `dedicated vector(${r.dimensions}) column with its own HNSW`, baselineValue: r.knn.typed.p50 }),
          benchRow({ figure: `kNN p95, partial HNSW on embedding::vector(${r.dimensions}) per model and kind`, value: r.knn.partial.p95, unit: "ms", baseline: `dedicated vector(${r.dimensions}) column with its own HNSW`, baselineValue: r.knn.typed.p95 }),
          benchRow({ figure: "recall@10 of Driftline's kNN query", value: r.knn.recallAt10, unit: "", baseline: "exact search", baselineValue: 1 }),
        ]
      : []),
  ]),
  notes: results.map(
    (r) => `${r.modelId} (${r.dimensions} dims): ${r.traces.toLocaleString("en-US")} traces = ${r.texts.toLocaleString("en-US")} texts; peak RSS of the process so far ${r.peakRssMiB.toFixed(0)} MiB.`,
  ),
});
