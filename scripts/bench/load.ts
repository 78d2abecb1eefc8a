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
//   3. On PGlite, while the demo's 8 monitors backfill 30 daily windows each
//      (and its texts are embedded), /api/health every 20 ms beside the
//      dashboard's own API calls (signed in, one at a time): health p99 and
//      dashboard p95 against the same probes once the server is idle.
//
// Runs on PGlite and on PostgreSQL (TEST_DATABASE_URL, default the local
// server; BENCH_LOAD_DATABASES=pglite or postgres for one; BENCH_LOAD_PARTS=ingest,backfill,demo or a
// subset). Baselines from the
// same run: the 1-connection level for throughput, probes of the idle server
// for health latency. Needs `npx next build` first.
import { startApp } from "../../testing/app-server";
import { formatLevel, probeHealth, probeRoutes, runLoadLevel, startBackfill, type LevelResult, type LoadKind, type ProbeStats } from "../../testing/load-tools";
import { signIn } from "../../testing/session";
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
// BENCH_LOAD_PARTS (default ingest,backfill,demo): which of the three parts run, e.g. `demo` alone.
const parts = new Set((process.env.BENCH_LOAD_PARTS ?? "ingest,backfill,demo").split(",").map((p) => p.trim()));
const env = { DRIFTLINE_DEMO: "0", EMBEDDING_MODEL: "driftline-glove-100d" };

for (const database of databases) {
  if (parts.has("ingest")) await ingestLevels(database);
  if (parts.has("backfill")) await backfillProbes(database);
}

/** Part 1: ingest at increasing concurrency, jobs off. */
async function ingestLevels(database: "pglite" | "postgres"): Promise<void> {
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

}

/** Part 2: /api/health while the server embeds a backlog and backfills three new monitors. */
async function backfillProbes(database: "pglite" | "postgres"): Promise<void> {
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

if (parts.has("demo") && databases.includes("pglite")) await demoBackfill();

/**
 * Part 3: the embedded database while the demo's backfill runs. The server starts on a fresh demo (30 days,
 * 8 monitors): its texts wait to be embedded and every monitor backfills 30 daily windows. Until the
 * monitors are done, /api/health is probed every 20 ms and, beside it, the dashboard's API calls a page makes
 * (signed in as the admin, one at a time, every 100 ms). The baseline is the same probes once it is idle.
 */
async function demoBackfill(): Promise<void> {
  console.log("\n## pglite: requests while the demo's 8 monitors backfill 30 windows");
  const app = await startApp({ database: "pglite", env: { ...env, DRIFTLINE_DEMO: "1", DRIFTLINE_DEMO_DAYS: "30" } });
  try {
    const session = await signIn(app, "http-admin@example.com", "http suite password");
    const headers = { Cookie: session.cookie };
    const project = "/api/projects/demo";
    const dashboard = [
      `${project}/overview?range=30d`,
      `${project}/monitors`,
      `${project}/traces?range=30d&limit=50`,
      `${project}/routing?range=30d`,
      `${project}/alerts`,
      `${project}/embedding-backlog`,
    ];
    const monitorsLeft = async () => {
      const response = await fetch(`${app.url}${project}/monitors`, { headers });
      const { data } = (await response.json()) as { data: Array<{ backfilledAt: string | null }> };
      return { total: data.length, left: data.filter((m) => !m.backfilledAt).length };
    };
    const first = await monitorsLeft();
    console.log(`${first.total} monitors, ${first.left} to backfill`);
    let done = first.left === 0;
    const started = performance.now();
    const watcher = (async () => {
      while (!done) {
        await new Promise((r) => setTimeout(r, 1000));
        if ((await monitorsLeft()).left === 0) done = true;
      }
    })();
    const [health, api] = await Promise.all([
      probeHealth({ url: app.url, everyMs: 20, maxMs: 600_000, keepGoing: () => !done }),
      probeRoutes({ url: app.url, routes: dashboard, headers, everyMs: 100, maxMs: 600_000, keepGoing: () => !done }),
    ]);
    done = true;
    await watcher;
    const busySeconds = (performance.now() - started) / 1000;
    const [idleHealth, idleApi] = await Promise.all([
      probeHealth({ url: app.url, everyMs: 20, maxMs: quick ? 3_000 : 10_000, keepGoing: () => true }),
      probeRoutes({ url: app.url, routes: dashboard, headers, everyMs: 100, maxMs: quick ? 3_000 : 10_000, keepGoing: () => true }),
    ]);
    const line = (name: string, s: ProbeStats) =>
      `${name}: ${s.probes} probes, p50 ${s.p50Ms.toFixed(1)} ms, p95 ${s.p95Ms.toFixed(1)} ms, p99 ${s.p99Ms.toFixed(1)} ms, max ${s.maxMs.toFixed(1)} ms, ${s.failed} failed`;
    console.log(`backfill took ${busySeconds.toFixed(1)} s after the server was up`);
    for (const [name, s] of [["health, busy", health], ["dashboard, busy", api], ["health, idle", idleHealth], ["dashboard, idle", idleApi]] as const) console.log(line(name, s));
    const label = `during the demo's backfill (8 monitors × 30 windows)`;
    rows.push(
      benchRow({ figure: `pglite: GET /api/health p99 ${label}`, value: health.p99Ms, unit: "ms", baseline: "the same probes, idle server", baselineValue: idleHealth.p99Ms, target: { on: "value", op: "<", limit: 100 } }),
      benchRow({ figure: `pglite: GET /api/health max ${label}`, value: health.maxMs, unit: "ms", baseline: "the same probes, idle server", baselineValue: idleHealth.maxMs }),
      benchRow({ figure: `pglite: dashboard API p95 ${label}`, value: api.p95Ms, unit: "ms", baseline: "the same calls, idle server", baselineValue: idleApi.p95Ms, target: { on: "value", op: "<", limit: 300 } }),
      benchRow({ figure: `pglite: dashboard API max ${label}`, value: api.maxMs, unit: "ms", baseline: "the same calls, idle server", baselineValue: idleApi.maxMs }),
    );
    notes.push(
      `pglite, demo backfill: ${busySeconds.toFixed(0)} s until the ${first.total} monitors had backfilled; ${health.probes} health probes (${health.failed} failed) and ${api.probes} dashboard calls (${api.failed} failed; ${dashboard.map((r) => r.replace(project, "")).join(", ")}) meanwhile.`,
    );
  } finally {
    await app.stop();
  }
}

await writeBenchSection({ name: "load", title: "Load and responsiveness", script: "scripts/bench/load.ts", rows, tables, notes });
