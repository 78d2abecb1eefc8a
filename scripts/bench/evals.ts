/**
 * `npx tsx scripts/bench/evals.ts` — the evaluator job beside ingest, on the PostgreSQL server.
 *
 * In one fresh database: ingest N traces (recordTraces, batches of 100, the ingest transaction the
 * API runs) into a project with no evaluators and into one with three (n-gram against a golden set,
 * semantic SemScore + relevance, default heuristics), each batch to both projects one right after
 * the other, timing each; embed the second project's texts; then drain its evaluations (queueing the
 * flagged traces included) with one evaluate worker, then a second run with several, and report
 * traces/s (each trace is scored by all three evaluators) beside the ingest rate of the same traces.
 *
 *   BENCH_TRACES (default 3000); BENCH_EVAL_WORKERS (default 2: workers draining at once, in this process,
 *   each on its own pooled connection); BENCH_EVAL_BATCH (default 512); TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
 */
import { openDatabase } from "../../db/client";
import { runMigrations } from "../../db/migrate";
import { projects } from "../../db/schema";
import { createEmbedder } from "../../lib/embeddings";
import type { NormalizedTrace } from "../../lib/ingest/types";
import { drainEmbeddingBacklog } from "../../lib/jobs/embed";
import { drainEvalBacklog, emptyPhaseTimes } from "../../lib/jobs/evaluate";
import { createDataset } from "../../lib/services/datasets/datasets";
import { createEvaluator } from "../../lib/services/evaluators/evaluators";
import { recordTraces } from "../../lib/services/traces/record-traces";
import { benchRow, writeBenchSection } from "./results";
import { createScratchDatabase } from "../../testing/scratch-database";

const BASE = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const N = Number(process.env.BENCH_TRACES ?? 3000);
const BATCH = 100;
const WORKERS = Math.max(1, Number(process.env.BENCH_EVAL_WORKERS ?? 2));
const EVAL_BATCH = Number(process.env.BENCH_EVAL_BATCH ?? 512);

const TOPICS = ["invoice", "password", "refund", "SSO", "API key", "export", "webhook", "plan", "team seat", "SQL report"];
const golden = Array.from({ length: 50 }, (_, i) => ({
  input: `How do I manage the ${TOPICS[i % 10]} settings for workspace ${i}?`,
  expectedOutput: `Open Settings, choose ${TOPICS[i % 10]}, and change the options for workspace ${i}; changes apply at once.`,
}));

function trace(run: string, i: number): NormalizedTrace {
  const g = golden[i % golden.length]!;
  return {
    externalId: `${run}-${i}`,
    timestamp: new Date(Date.UTC(2026, 10, 1) + i * 1000),
    provider: "openai",
    model: i % 3 === 0 ? "gpt-4o" : "gpt-4o-mini",
    modelVersion: null,
    route: i % 2 ? "cheap" : "quality",
    // Half the prompts are a golden input word for word, half are reworded (matched by similarity or not at all).
    prompt: i % 2 === 0 ? g.input : `Where can I change the ${TOPICS[i % 10]} options of my workspace number ${i % 50}?`,
    response: `Go to Settings, pick ${TOPICS[i % 10]} and update workspace ${i % 50}; it takes effect immediately. Ticket ${i}.`,
    latencyMs: 500 + (i % 700),
    ttftMs: 120,
    inputTokens: 40,
    outputTokens: 30,
    costUsd: 0.0001,
    status: "ok",
    error: null,
    finishReason: "stop",
    userId: null,
    sessionId: null,
    tags: ["support"],
    metadata: {},
    scores: {},
  };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * q))]!;

async function main() {
  const scratch = await createScratchDatabase(BASE, "driftline_bench_evals");
  const handle = await openDatabase({ url: scratch.url, maxConnections: 4 + WORKERS });
  const embedder = await createEmbedder({ worker: false, env: { EMBEDDING_MODEL: "driftline-glove-100d" } });
  try {
    await runMigrations(handle);
    const ctx = { db: handle.db, actor: { kind: "operator" as const } };
    const [off] = await handle.db.insert(projects).values({ slug: "evals-off", name: "off" }).returning();
    const [on] = await handle.db.insert(projects).values({ slug: "evals-on", name: "on" }).returning();
    const dataset = await createDataset({ ctx, input: { projectId: on!.id, name: "golden", items: golden } });
    await createEvaluator({ ctx, input: { projectId: on!.id, name: "golden", kind: "ngram", datasetId: dataset.id } });
    await createEvaluator({ ctx, input: { projectId: on!.id, name: "semantic", kind: "semantic", datasetId: dataset.id } });
    await createEvaluator({ ctx, input: { projectId: on!.id, name: "checks", kind: "heuristic" } });

    // Ingest side by side: each batch of a run goes to the project without evaluators and to the one with
    // three, one right after the other (alternating which goes first), so both sides see the same moments of
    // the machine; a run's rate is its traces over the summed time of its batches.
    const summary = (latencies: number[]) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      return { rate: N / (latencies.reduce((a, b) => a + b, 0) / 1000), p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
    };
    const ingestPaired = async (run: string) => {
      const latencies = { off: [] as number[], on: [] as number[] };
      for (let start = 0, k = 0; start < N; start += BATCH, k++) {
        const batch = Array.from({ length: Math.min(BATCH, N - start) }, (_, j) => trace(run, start + j));
        for (const side of k % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const)) {
          const b0 = performance.now();
          await recordTraces(handle.db, { projectId: side === "on" ? on!.id : off!.id, traces: batch });
          latencies[side].push(performance.now() - b0);
        }
      }
      return { off: summary(latencies.off), on: summary(latencies.on) };
    };
    // A warm-up on a throw-away run of the project without evaluators, then two runs.
    for (let start = 0; start < N; start += BATCH) {
      await recordTraces(handle.db, { projectId: off!.id, traces: Array.from({ length: Math.min(BATCH, N - start) }, (_, j) => trace("warm", start + j)) });
    }
    const runA = await ingestPaired("a");
    const runB = await ingestPaired("b");
    const [offA, onA, onB, offB] = [runA.off, runA.on, runB.on, runB.off];
    // Ingest flagged every trace of the project with evaluators (trace_keys.eval_pending); the job queues and
    // runs them. Run b's are parked: run a is drained by one worker, then run b by WORKERS workers.
    const park = (pending: boolean) =>
      handle.query(`update trace_keys set eval_pending = $2 where project_id = $1 and external_id like 'b-%'`, [on!.id, pending]);
    await park(false);
    const [queued] = await handle.query<{ n: number }>(`select count(*)::int as n from trace_keys where project_id = $1 and eval_pending`, [on!.id]);

    const e0 = performance.now();
    await drainEmbeddingBacklog(handle, embedder, { batchSize: 256 });
    // Planner statistics as autovacuum keeps them: without them the score triggers' lookup of each score's
    // trace hour picks a project-wide index scan (measured: 5.7 of 7.8 s went to inserting scores).
    // The same for the stored vectors: without them the job's vector lookup takes the embeddings' window index
    // (every vector of the project, filtered) instead of the primary key (measured: 8.9 of 20.6 s, 1,000 traces).
    const analyze = async () => {
      for (const table of ["traces", "trace_keys", "scores", "embeddings", "embedding_backlog", "eval_backlog"]) await handle.query(`analyze ${table}`);
    };
    await analyze();
    const embedSeconds = (performance.now() - e0) / 1000;

    const drain = async (workers: number) => {
      const phases = emptyPhaseTimes();
      const v0 = performance.now();
      const runs = await Promise.all(Array.from({ length: workers }, () => drainEvalBacklog(handle, embedder, { batchSize: EVAL_BATCH, phases })));
      const seconds = (performance.now() - v0) / 1000;
      const stats = runs.reduce((a, b) => ({
        arrived: a.arrived + b.arrived, claimed: a.claimed + b.claimed, scored: a.scored + b.scored, scores: a.scores + b.scores,
        skipped: a.skipped + b.skipped, waiting: a.waiting + b.waiting, released: a.released + b.released,
        retried: a.retried + b.retried, failed: a.failed + b.failed,
      }));
      const phaseText = Object.entries(phases).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(2)} s`).join(", ");
      return { seconds, stats, phaseText, rate: N / seconds };
    };
    const one = await drain(1);
    await park(true);
    await analyze();
    const many = await drain(WORKERS);
    const stats = many.stats;
    const evalSeconds = many.seconds;
    const [matched] = await handle.query<{ n: number }>(
      `select count(distinct trace_id)::int as n from scores where project_id = $1 and name = 'golden.bleu' and trace_id in
         (select id from traces where project_id = $1 and external_id like 'b-%')`,
      [on!.id],
    );

    const fmt = (x: number) => x.toFixed(1);
    const mean = (a: number, b: number) => (a + b) / 2;
    console.log(`traces: ${N} per run, batches of ${BATCH}, PostgreSQL ${scratch.url.replace(/\/\/[^@]*@/, "//")}`);
    console.log(`| | traces/s | batch p50 ms | batch p99 ms |`);
    console.log(`|---|---:|---:|---:|`);
    console.log(`| ingest, no evaluators | ${fmt(mean(offA.rate, offB.rate))} | ${fmt(mean(offA.p50, offB.p50))} | ${fmt(mean(offA.p99, offB.p99))} |`);
    console.log(`| ingest, 3 evaluators enabled | ${fmt(mean(onA.rate, onB.rate))} | ${fmt(mean(onA.p50, onB.p50))} | ${fmt(mean(onA.p99, onB.p99))} |`);
    console.log(`| evaluate job, 1 worker, batches of ${EVAL_BATCH} (3 evaluators per trace: ${queued!.n} traces queued by the job) | ${fmt(one.rate)} | | |`);
    console.log(`| evaluate job, ${WORKERS} workers, batches of ${EVAL_BATCH} | ${fmt(many.rate)} | | |`);
    console.log(`\nembedding the same traces first: ${fmt(embedSeconds)} s (${fmt((2 * N) / embedSeconds)} traces/s, not counted above)`);
    console.log(`evaluate, 1 worker: ${JSON.stringify(one.stats)} in ${fmt(one.seconds)} s; phases: ${one.phaseText}`);
    console.log(`evaluate, ${WORKERS} workers: ${JSON.stringify(stats)} in ${fmt(evalSeconds)} s; phases (summed over workers): ${many.phaseText}`);
    console.log(`${matched!.n} of ${N} traces matched a golden item`);
    console.log(`ingest p99 change with evaluators on: ${fmt((100 * (mean(onA.p99, onB.p99) - mean(offA.p99, offB.p99))) / mean(offA.p99, offB.p99))} %`);
    const ingestRate = mean(offA.rate, offB.rate);
    await writeBenchSection({
      name: "evals",
      title: "Evaluators",
      script: "scripts/bench/evals.ts",
      rows: [
        benchRow({
          figure: `postgres: evaluate job, one worker, batches of ${EVAL_BATCH}, traces/s (golden n-gram + semantic + heuristics: 3 evaluators per trace, ${N} traces)`,
          value: one.rate,
          unit: "traces/s",
          baseline: "ingest of the same traces, no evaluators",
          baselineValue: ingestRate,
          target: { on: "value", op: ">=", limit: 1000 },
        }),
        benchRow({
          figure: `postgres: evaluate job, ${WORKERS} workers (one process, a connection each), traces/s`,
          value: many.rate,
          unit: "traces/s",
          baseline: "one worker",
          baselineValue: one.rate,
          target: { on: "value", op: ">=", limit: 1000 },
        }),
        benchRow({
          figure: `postgres: ingest batch p99 (${BATCH} traces) with 3 evaluators enabled`,
          value: mean(onA.p99, onB.p99),
          unit: "ms",
          baseline: "the same batches, no evaluators",
          baselineValue: mean(offA.p99, offB.p99),
          target: { on: "ratio", op: "<=", limit: 1.1 },
        }),
        benchRow({ figure: "postgres: ingest with 3 evaluators enabled", value: mean(onA.rate, onB.rate), unit: "traces/s", baseline: "no evaluators", baselineValue: ingestRate }),
      ],
      notes: [
        `evaluate, ${WORKERS} workers: ${stats.scored} (trace, evaluator) pairs scored, ${stats.scores} scores, ${stats.failed} given up, in ${fmt(evalSeconds)} s; ${matched!.n} of ${N} traces matched a golden item; the texts were embedded first (${fmt(embedSeconds)} s for both runs, not counted).`,
        `time per phase, one worker: ${one.phaseText}; ${WORKERS} workers (summed over workers): ${many.phaseText}.`,
      ],
    });
  } finally {
    await embedder.close();
    await handle.close();
    if (process.env.BENCH_KEEP_DB) console.log(`kept ${scratch.url}`);
    else await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
