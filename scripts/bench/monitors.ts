// `npm run bench:monitors`: time and memory of one full monitor run per kind
// (load from PostgreSQL, subsample, statistics, store the result) with 10k
// and 100k traces in its two windows, on the real PostgreSQL server, side by
// side with two baselines in the same run: a plain SQL fetch of every row the
// kind reads from those windows (what any drift check must at least pay
// without Driftline's in-database subsampling), and the same statistics
// computed on pre-loaded arrays of the same sample without the database
// (what the run costs beyond the arithmetic), with the ratios.
//
//   BENCH_SIZES (default "10000,100000"; --quick "2000") traces in the windows (half reference, half current).
//   --json <file> also writes the results for `npm run bench` (scripts/bench/results.ts).
//   TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) — a fresh
//   database is created and dropped.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { embeddingIndexName, ensureEmbeddingIndexes, ensureEmbeddingModel } from "@/db/embedding-index";
import { runMigrations } from "@/db/migrate";
import { monitors, projects, type Monitor, type MonitorKind } from "@/db/schema";
import { assignTopics, compareEmbeddings, compareTopicQuality, compareVersions, evaluateMetricStream, evaluateTopicDrift, fitTopics, type Outcome, projectTo2d } from "@/lib/drift";
import { resolveThresholds } from "@/db/monitor-config";
import { chooseEmbeddingModel, loadEmbeddings, loadMetricStream, loadOutcomes, loadVersionSample } from "@/lib/monitors/loaders";
import { monitorSeed } from "@/lib/monitors/sampling";
import { runMonitorWindow } from "@/lib/jobs/monitor-window";
import { windowsAt } from "@/lib/monitors/windows";
import { createScratchDatabase } from "../../testing/scratch-database";
import { benchRow, isQuick, writeBenchSection, type BenchRow } from "./results";

const BASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SIZES = (process.env.BENCH_SIZES ?? (isQuick() ? "2000" : "10000,100000")).split(",").map(Number);
const DIMS = 100;
const HOUR = 3_600_000;
const END = new Date(Date.UTC(2026, 10, 20, 12));

async function seed(handle: DatabaseHandle, projectId: string, n: number): Promise<void> {
  // Vectors are bulk-inserted without the HNSW indexes, which are built afterwards (much faster than growing them).
  const model = await ensureEmbeddingModel(handle, "bench-100d", DIMS, { index: false });
  for (const kind of ["prompt", "response"] as const) await handle.query(`drop index if exists ${embeddingIndexName(model.id, kind)}`);
  const start = new Date(END.getTime() - 2 * HOUR);
  for (let from = 1; from <= n; from += 20_000) {
    const to = Math.min(n, from + 19_999);
    // Half in the reference hour, half in the current one; the current hour answers with v2, 40% slower.
    await handle.query(
      `with t as (
       insert into traces (project_id, external_id, started_at, provider, model, model_version, route, prompt_text, response_text,
                           latency_ms, output_tokens, cost_usd, refused, status)
       select $1, 'b-' || g, $2::timestamptz + (g::float8 / $3) * interval '2 hours', 'openai', 'gpt-4o',
              case when g > $3 / 2 then 'v2' else 'v1' end, 'support',
              (array['reset my password login','refund my invoice billing','track my parcel delivery','slow sql query index'])[1 + g % 4]
                || ' question ' || (g % 97),
              'answer ' || (g % 4), (500 + random() * 300) * case when g > $3 / 2 then 1.4 else 1 end, 50 + (random() * 20)::int, 0.001,
              random() < 0.03, 'ok'
         from generate_series($4::int, $5::int) g
       returning project_id, id, external_id, started_at)
       insert into trace_keys (project_id, id, external_id, started_at) select project_id, id, external_id, started_at from t`,
      [projectId, start.toISOString(), n, from, to],
    );
  }
  await handle.query(
    `insert into embeddings (project_id, trace_id, kind, model_id, embedding, started_at)
     select t.project_id, t.id, k.kind::embedded_text, $2,
            (select array_agg(case when d % 4 = (substr(t.external_id, 3)::int % 4) then 1.0 else 0.0 end + random() * 0.5 order by d)
               from generate_series(1, ${DIMS}) d)::vector,
            t.started_at
       from traces t cross join (values ('prompt'), ('response')) k(kind)
      where t.project_id = $1`,
    [projectId, model.id],
  );
  await handle.query(
    `insert into scores (project_id, trace_id, name, source, value)
     select project_id, id, 'helpfulness', 'sdk', 0.8 + random() * 0.1 from traces where project_id = $1`,
    [projectId],
  );
  await ensureEmbeddingIndexes(handle, model);
  await handle.query("analyze");
}

/** A plain fetch of every row the kind reads from the two windows. */
async function baselineFetch(handle: DatabaseHandle, projectId: string, kind: MonitorKind): Promise<number> {
  const from = new Date(END.getTime() - 2 * HOUR).toISOString();
  const to = END.toISOString();
  const sql =
    kind === "metric"
      ? "select latency_ms from traces where project_id = $1 and started_at >= $2 and started_at < $3 order by started_at"
      : kind === "version_regression"
        ? "select latency_ms, output_tokens, cost_usd, refused, status from traces where project_id = $1 and started_at >= $2 and started_at < $3"
        : "select trace_id, embedding::text from embeddings where project_id = $1 and kind = 'prompt' and started_at >= $2 and started_at < $3";
  const t0 = performance.now();
  const rows = await handle.query(sql, [projectId, from, to]);
  if (kind === "concept_drift" || kind === "topic_drift") {
    await handle.query("select t.prompt_text, t.refused, t.status from traces t where t.project_id = $1 and t.started_at >= $2 and t.started_at < $3", [
      projectId,
      from,
      to,
    ]);
  }
  void rows.length;
  return performance.now() - t0;
}

/**
 * The kind's statistics on arrays loaded beforehand (the same subsample a run
 * uses), timed without the database: embedding comparison + projection,
 * topic drift, per-topic quality, version comparison, the metric detector.
 * Answer drift and response shift (pgvector queries) are database work and
 * are not part of this baseline.
 */
async function statisticsOnly(handle: DatabaseHandle, monitor: Monitor): Promise<number> {
  const w = windowsAt(END, 3600, { type: "preceding" });
  const seed = monitorSeed(monitor);
  if (monitor.kind === "metric") {
    const t = resolveThresholds("metric", monitor.thresholds);
    const common = { projectId: monitor.projectId, segment: {}, metric: t.metric, maxRows: t.maxRows, seed };
    const ref = await loadMetricStream(handle, { ...common, range: w.reference });
    const cur = await loadMetricStream(handle, { ...common, range: w.current });
    const t0 = performance.now();
    evaluateMetricStream(ref.values, cur.values, t);
    return performance.now() - t0;
  }
  if (monitor.kind === "version_regression") {
    const t = resolveThresholds("version_regression", monitor.thresholds);
    const common = { projectId: monitor.projectId, provider: "openai", model: "gpt-4o", segment: {}, maxRows: 5000, seed };
    const before = await loadVersionSample(handle, { ...common, version: "v1", range: w.reference });
    const after = await loadVersionSample(handle, { ...common, version: "v2", range: w.current });
    const t0 = performance.now();
    compareVersions(before.sample, after.sample, { ...t, seed });
    return performance.now() - t0;
  }
  const model = (await chooseEmbeddingModel(handle, monitor.projectId, "prompt", {}, w.reference))!;
  const common = { projectId: monitor.projectId, model, kind: "prompt" as const, segment: {}, maxRows: 2000, seed, withText: true };
  const ref = await loadEmbeddings(handle, { ...common, range: w.reference });
  const cur = await loadEmbeddings(handle, { ...common, range: w.current });
  const outcomes = await loadOutcomes(handle, monitor.projectId, [...ref.traceIds, ...cur.traceIds]);
  const t0 = performance.now();
  if (monitor.kind === "embedding_drift") {
    compareEmbeddings(ref.x, cur.x, { seed });
    projectTo2d({ ...ref.x, rows: 300, data: ref.x.data.subarray(0, 300 * ref.x.cols) }, { ...cur.x, rows: 300, data: cur.x.data.subarray(0, 300 * cur.x.cols) });
  } else if (monitor.kind === "topic_drift") {
    const t = resolveThresholds("topic_drift", {});
    const rows = (ids: string[], texts: string[]) => ids.map((traceId, i) => ({ traceId, text: texts[i] ?? "" }));
    evaluateTopicDrift({ x: ref.x, texts: rows(ref.traceIds, ref.texts) }, { x: cur.x, texts: rows(cur.traceIds, cur.texts) }, { ...t, seed });
  } else {
    const t = resolveThresholds("concept_drift", {});
    const topics = fitTopics(ref.x, { seed });
    const none: Outcome = { refused: false, error: false, scores: {} };
    compareTopicQuality(
      { topics: assignTopics(ref.x, topics), outcomes: ref.traceIds.map((id) => outcomes.get(id) ?? none) },
      { topics: assignTopics(cur.x, topics), outcomes: cur.traceIds.map((id) => outcomes.get(id) ?? none) },
      topics.k,
      t,
    );
  }
  return performance.now() - t0;
}

async function measure(fn: () => Promise<unknown>): Promise<{ ms: number; peakHeapMb: number }> {
  if (global.gc) global.gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { ms, peakHeapMb: (peak - before) / 1_048_576 };
}

const KINDS: Array<{ kind: MonitorKind; thresholds: Record<string, unknown> }> = [
  { kind: "embedding_drift", thresholds: {} },
  { kind: "topic_drift", thresholds: {} },
  { kind: "concept_drift", thresholds: {} },
  { kind: "version_regression", thresholds: {} },
  { kind: "metric", thresholds: { metric: "latency_ms" } },
];

const scratch = await createScratchDatabase(BASE_URL, "driftline_bench_monitors");
const dbName = scratch.name;
const admin = new pg.Client({ connectionString: BASE_URL });
await admin.connect();
const handle = await openDatabase({ url: scratch.url, maxConnections: 4 });
const rows: string[] = [];
const results: BenchRow[] = [];
const detail: string[][] = [];
const seeded: string[] = [];
try {
  await admin.query(`alter database ${dbName} set maintenance_work_mem = '1GB'`);
  await admin.query(`alter database ${dbName} set max_parallel_maintenance_workers = 1`);
  await runMigrations(handle);
  for (const n of SIZES) {
    const [project] = await handle.db.insert(projects).values({ slug: `bench-${n}`, name: `bench ${n}` }).returning();
    const seedStart = performance.now();
    await seed(handle, project!.id, n);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.log(`seeded ${n} traces (+${2 * n} vectors, scores) in ${seedSeconds.toFixed(1)} s`);
    seeded.push(`${n.toLocaleString("en-US")} traces in ${seedSeconds.toFixed(0)} s`);
    for (const { kind, thresholds } of KINDS) {
      const [m] = await handle.db
        .insert(monitors)
        .values({ projectId: project!.id, name: kind, kind, reference: { type: "preceding" }, windowSeconds: 3600, schedule: "0 * * * *", thresholds, nextRunAt: END })
        .returning();
      const monitor = m as Monitor;
      // Warm-up on an earlier (empty) window, so JIT and connection set-up are not timed.
      await runMonitorWindow(handle, monitor, new Date(END.getTime() - 5 * HOUR), { alerts: false });
      let verdict = "";
      const run = await measure(async () => {
        verdict = String((await runMonitorWindow(handle, monitor, END)).verdict);
      });
      const fetchMs = await baselineFetch(handle, project!.id, kind);
      const statsMs = await statisticsOnly(handle, monitor);
      const line =
        `| ${kind} | ${n.toLocaleString("en")} | ${run.ms.toFixed(0)} | ${run.peakHeapMb.toFixed(0)} | ${fetchMs.toFixed(0)} | ` +
        `${(run.ms / fetchMs).toFixed(2)}× | ${statsMs.toFixed(0)} | ${(run.ms / statsMs).toFixed(2)}× | ${verdict} |`;
      console.log(line);
      rows.push(line);
      const figure = `${kind}, ${n.toLocaleString("en-US")} traces: full run`;
      results.push(benchRow({ figure, value: run.ms, unit: "ms", baseline: "plain SQL fetch of the windows' rows", baselineValue: fetchMs }));
      results.push(benchRow({ figure, value: run.ms, unit: "ms", baseline: "statistics on pre-loaded arrays", baselineValue: statsMs }));
      detail.push([kind, n.toLocaleString("en-US"), run.ms.toFixed(0), run.peakHeapMb.toFixed(0), verdict]);
    }
  }
} finally {
  await handle.close();
  await admin.end();
  await scratch.drop();
}
console.log(
  "\n| kind | traces in windows | full run (ms) | heap growth (MB) | plain SQL fetch of the windows' rows (ms) | run / fetch | statistics on pre-loaded arrays (ms) | run / statistics | verdict |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---|");
for (const r of rows) console.log(r);
await writeBenchSection({
  name: "monitors",
  title: "Monitors",
  script: "scripts/bench/monitors.ts",
  rows: results,
  tables: [
    {
      caption: "Heap growth and verdict of each timed run:",
      columns: ["kind", "traces in windows", "full run (ms)", "heap growth (MB)", "verdict"],
      align: ["l", "r", "r", "r", "l"],
      rows: detail,
    },
  ],
  notes: [`Seeding (not timed above; mostly the two HNSW index builds): ${seeded.join(", ")}.`],
});
