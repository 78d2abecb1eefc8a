// `npm run bench:load`: the ingest API under load, and the server's
// responsiveness during a backfill, against the production build on loopback.
//
//   1. autocannon at increasing concurrency (BENCH_LOAD_CONNECTIONS, default
//      1,4,16,64; BENCH_LOAD_SECONDS, default 5, per level) posting native
//      batches of 10 and OTLP/HTTP JSON exports, each trace with a fresh id:
//      throughput, p50/p99 latency, errors per level.
//   2. While the server embeds a backlog and backfills new monitors
//      (BENCH_BACKFILL_TRACES, default 6000, over 14 days), GET /api/health
//      every 20 ms: p50/p99/max of the probes.
//
// Runs on PGlite and on PostgreSQL (TEST_DATABASE_URL, default the local
// server; BENCH_LOAD_DATABASES=pglite or postgres for one). Baselines from the
// same run: the 1-connection level for throughput, probes of the idle server
// for health latency. Needs `npx next build` first.
import { startApp } from "../../testing/app-server";
import { formatLevel, probeHealth, runLoadLevel, startBackfill, type LevelResult, type LoadKind, type ProbeStats } from "../../testing/load-tools";
import { benchRow, isQuick, writeBenchSection, type BenchRow, type BenchTable } from "./results";

process.env.TEST_DATABASE_URL ??= "postgres://postgres@127.0.0.1:5432/postgres";
// --quick (npm run bench -- --quick): 1 and 8 connections, 2 s each, a backfill of 1,000 traces.
const quick = isQuick();
const levels = (process.env.BENCH_LOAD_CONNECTIONS ?? (quick ? "1,8" : "1,4,16,64")).split(",").map(Number);
const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? (quick ? 2 : 5));
const backfillTraces = Number(process.env.BENCH_BACKFILL_TRACES ?? (quick ? 1000 : 6000));
const rows: BenchRow[] = [];
const tables: BenchTable[] = [];
const notes: string[] = [];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const databases = (process.env.BENCH_LOAD_DATABASES ?? (process.env.TEST_DATABASE_URL ? "pglite,postgres" : "pglite")).split(",") as Array<"pglite" | "postgres">;
const env = { DRIFTLINE_DEMO: "0", EMBEDDING_MODEL: "driftline-glove-100d" };

for (const database of databases) {
  console.log(`\n## ${database}: ingest under load (${seconds} s per level)`);
  // Jobs off while measuring ingest alone: embedding what was just posted would compete for the CPU
  // (part 2 measures the server while it does that work).
  const app = await startApp({ database, env: { ...env, DRIFTLINE_JOBS: "off" } });
  const results: LevelResult[] = [];
  try {
    for (const kind of ["native", "otlp"] as LoadKind[]) {
      for (const connections of levels) {
        const result = await runLoadLevel({ url: app.url, kind, connections, seconds });
        results.push(result);
        console.log(formatLevel(result));
      }
    }
  } finally {
    await app.stop();
  }
  for (const r of results) {
    const single = results.find((b) => b.kind === r.kind && b.connections === Math.min(...levels))!;
    if (r === single) continue;
    rows.push(
      benchRow({
        figure: `${database}, ${r.kind === "native" ? "native batches of 10" : "OTLP exports"}, ${r.connections} connections: throughput`,
        value: r.tracesPerSecond,
        unit: "traces/s",
        baseline: `${single.connections} connection`,
        baselineValue: single.tracesPerSecond,
      }),
    );
  }
  tables.push({
    caption: `${database}: every level (${seconds} s each, jobs off)`,
    columns: ["kind", "connections", "req/s", "traces/s", "p50 ms", "p99 ms", "max ms", "errors", "non-2xx"],
    align: ["l", "r", "r", "r", "r", "r", "r", "r", "r"],
    rows: results.map((r) => [r.kind, String(r.connections), fmt(r.requestsPerSecond), fmt(r.tracesPerSecond), fmt(r.p50Ms), fmt(r.p99Ms), fmt(r.maxMs), String(r.errors), String(r.non2xx)]),
  });

  console.log(`\n## ${database}: /api/health during a backfill (${backfillTraces} traces over 14 days, 3 new monitors)`);
  const busy = await startApp({ database, env });
  try {
    // The baseline: the same probes against the same server with nothing to do.
    const idle = await probeHealth({ url: busy.url, everyMs: 20, maxMs: quick ? 2_000 : 5_000, keepGoing: () => true });
    console.log(`idle server: ${idle.probes} probes, p50 ${idle.p50Ms.toFixed(1)} ms, p99 ${idle.p99Ms.toFixed(1)} ms, max ${idle.maxMs.toFixed(1)} ms`);
    const started = performance.now();
    const backfill = await startBackfill(busy.url, { traces: backfillTraces, days: 14 });
    const before = await backfill.progress();
    console.log(`posted in ${((performance.now() - started) / 1000).toFixed(1)} s; backlog ${before.pending} texts, ${before.monitorsLeft} monitors to backfill`);
    let done = false;
    const watcher = (async () => {
      while (!done) {
        await new Promise((r) => setTimeout(r, 1000));
        const p = await backfill.progress();
        if (p.pending === 0 && p.monitorsLeft === 0) done = true;
      }
    })();
    const probeStarted = performance.now();
    const probes = await probeHealth({ url: busy.url, everyMs: 20, maxMs: 180_000, keepGoing: () => !done });
    done = true;
    await watcher;
    const after = await backfill.progress();
    console.log(
      `${probes.probes} probes over ${((performance.now() - probeStarted) / 1000).toFixed(1)} s (until the backlog was embedded and the monitors backfilled): ` +
        `p50 ${probes.p50Ms.toFixed(1)} ms, p99 ${probes.p99Ms.toFixed(1)} ms, max ${probes.maxMs.toFixed(1)} ms, ${probes.failed} failed; ` +
        `left: backlog ${after.pending}, monitors ${after.monitorsLeft}`,
    );
    const probeRow = (stat: keyof Pick<ProbeStats, "p50Ms" | "p99Ms" | "maxMs">, label: string) =>
      benchRow({
        figure: `${database}: GET /api/health ${label} during a backfill (${fmt(backfillTraces)} traces, 3 new monitors)`,
        value: probes[stat],
        unit: "ms",
        baseline: "the same probes, idle server",
        baselineValue: idle[stat],
        target: stat === "p99Ms" && database === "postgres" ? { on: "value", op: "<", limit: 100 } : undefined,
      });
    rows.push(probeRow("p50Ms", "p50"), probeRow("p99Ms", "p99"), probeRow("maxMs", "max"));
    notes.push(
      `${database}: ${probes.probes} health probes (${probes.failed} failed) while ${fmt(before.pending)} texts were embedded and the monitors backfilled; left at the end: backlog ${after.pending}, monitors ${after.monitorsLeft}.`,
    );
  } finally {
    await busy.stop();
  }
}

await writeBenchSection({ name: "load", title: "Load and responsiveness", script: "scripts/bench/load.ts", rows, tables, notes });
