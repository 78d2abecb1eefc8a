// Part 2 of `npm run bench:embed`: the embedding job end to end into the real
// PostgreSQL server (claim → embed → store with HNSW upkeep → delete backlog
// rows), side by side with the same texts through the embedder alone, plus
// kNN query latency and recall through the per-model partial HNSW index
// (Driftline's layout) vs a dedicated typed vector(100) column with its own
// index (the alternative layout), and the peak memory.
//
//   BENCH_TRACES (default 5000; --quick 500) demo traces. --json <file> also writes the results
//   for `npm run bench` (scripts/bench/results.ts).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase } from "@/db/client";
import { ensureEmbeddingModel } from "@/db/embedding-index";
import { runMigrations } from "@/db/migrate";
import { projects } from "@/db/schema";
import { generateDemoTraces } from "@/lib/demo/world";
import { createEmbedder } from "@/lib/embeddings";
import { drainEmbeddingBacklog } from "@/lib/jobs/embed";
import { analyzeGrowingTables } from "@/lib/jobs/analyze";
import { nearestTraces } from "@/lib/queries/nearest-traces";
import { parseNativeBatch } from "@/lib/ingest/validate-native";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { benchRow, isQuick, writeBenchSection } from "./results";

const base = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const TRACES = Number(process.env.BENCH_TRACES ?? (isQuick() ? 500 : 5000));
const dbName = `driftline_bench_${randomBytes(4).toString("hex")}`;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = new URL(base);
url.pathname = `/${dbName}`;
const handle = await openDatabase({ url: url.toString(), maxConnections: 4 });
try {
  await runMigrations(handle);
  const [project] = await handle.db.insert(projects).values({ slug: "bench", name: "bench" }).returning();
  const projectId = project!.id;
  const world = [...generateDemoTraces({ days: 30, perDay: Math.ceil(TRACES / 30), end: new Date("2026-11-28T00:00:00Z"), seed: 1 })].slice(0, TRACES);
  for (let i = 0; i < world.length; i += 500) {
    const parsed = parseNativeBatch({ traces: world.slice(i, i + 500) }, { now: () => Date.parse("2026-11-28T00:00:00Z") });
    await recordTraces(handle.db, { projectId, traces: parsed.items.flatMap((it) => (it.trace ? [it.trace] : [])) });
    await analyzeGrowingTables(handle);
  }
  const [{ n: texts } = { n: 0 }] = await handle.query<{ n: number }>("select count(*)::int as n from embedding_backlog");
  const embedder = await createEmbedder({ worker: true, env: { EMBEDDING_MODEL: "driftline-glove-100d" } });

  // Baseline: the same texts through the embedder alone, batch 64, no database.
  const rows = await handle.query<{ prompt_text: string | null; response_text: string | null }>("select prompt_text, response_text from traces");
  const allTexts = rows.flatMap((r) => [r.prompt_text, r.response_text]).filter((t): t is string => Boolean(t && t.trim()));
  let t0 = performance.now();
  for (let i = 0; i < allTexts.length; i += 64) await embedder.embedBatch(allTexts.slice(i, i + 64));
  const embedOnly = allTexts.length / ((performance.now() - t0) / 1000);

  t0 = performance.now();
  const stats = await drainEmbeddingBacklog(handle, embedder, { batchSize: 64 });
  const jobRate = stats.embedded / ((performance.now() - t0) / 1000);
  console.log(`embedding job on PostgreSQL, ${texts} texts (${TRACES} traces), bundled model in a worker thread, batch 64\n`);
  console.log("path | texts/s | ratio");
  console.log("--- | ---: | ---:");
  console.log(`embedder alone (baseline) | ${embedOnly.toFixed(0)} | 1.00`);
  console.log(`job: claim, embed, store, delete (HNSW built once after the drain) | ${jobRate.toFixed(0)} | ${(jobRate / embedOnly).toFixed(2)}`);

  // kNN: the partial expression index Driftline uses vs a dedicated typed column.
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
  // Recall@10 of Driftline's query against exact search.
  let hits = 0;
  for (const q of queries.slice(0, 50)) {
    const found = await nearestTraces(handle, { projectId, model, kind: "prompt", vector: q, k: 10, efSearch: 100 });
    const exact = await handle.query<{ trace_id: string }>(
      `select trace_id from embeddings where model_id = ${model.id} and kind = 'prompt' order by embedding <=> $1::vector limit 10`,
      [`[${Array.from(q).join(",")}]`],
    );
    const truth = new Set(exact.map((r) => r.trace_id));
    hits += found.filter((f) => truth.has(f.traceId)).length;
  }
  console.log(`\nkNN (k = 10, ef_search = 100) over ${TRACES} prompt vectors of ${model.dimensions} dimensions, ${queries.length} queries\n`);
  console.log("layout | p50 ms | p95 ms");
  console.log("--- | ---: | ---:");
  console.log(`partial HNSW index on embedding::vector(${model.dimensions}) per model (Driftline) | ${partial.p50.toFixed(2)} | ${partial.p95.toFixed(2)}`);
  console.log(`dedicated vector(${model.dimensions}) column with its own HNSW (baseline) | ${typed.p50.toFixed(2)} | ${typed.p95.toFixed(2)}`);
  console.log(`\nrecall@10 of Driftline's query against exact search: ${(hits / 500).toFixed(3)}`);
  console.log(`peak RSS of this process: ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  const dims = model.dimensions;
  await writeBenchSection({
    name: "embed-job",
    title: "Embeddings: the job and kNN",
    script: "scripts/bench/embed-job.ts",
    rows: [
      benchRow({
        figure: "embedding job: claim (SKIP LOCKED), embed, store, delete backlog rows",
        value: jobRate,
        unit: "texts/s",
        baseline: "embedder alone, worker thread, batch 64",
        baselineValue: embedOnly,
      }),
      benchRow({ figure: `kNN p50, partial HNSW on embedding::vector(${dims}) per model and kind`, value: partial.p50, unit: "ms", baseline: `dedicated vector(${dims}) column with its own HNSW`, baselineValue: typed.p50 }),
      benchRow({ figure: `kNN p95, partial HNSW on embedding::vector(${dims}) per model and kind`, value: partial.p95, unit: "ms", baseline: `dedicated vector(${dims}) column with its own HNSW`, baselineValue: typed.p95 }),
      benchRow({ figure: "recall@10 of Driftline's kNN query", value: hits / 500, unit: "", baseline: "exact search", baselineValue: 1 }),
    ],
    notes: [
      `${TRACES.toLocaleString("en-US")} demo traces = ${texts.toLocaleString("en-US")} texts, bundled ${dims}-d model; ${queries.length} kNN queries (k = 10, ef_search = 100). Peak RSS of the process ${(peakRss / 2 ** 20).toFixed(0)} MiB.`,
    ],
  });
  await embedder.close();
} finally {
  clearInterval(sampler);
  await handle.close();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
