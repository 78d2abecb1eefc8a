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
// Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set
// (BENCH_LOAD_DATABASES=pglite,postgres to choose). Needs `npx next build` first.
import { startApp } from "../../tests/http/server";
import { formatLevel, probeHealth, runLoadLevel, startBackfill, type LevelResult, type LoadKind } from "../../tests/http/load-tools";

const levels = (process.env.BENCH_LOAD_CONNECTIONS ?? "1,4,16,64").split(",").map(Number);
const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const backfillTraces = Number(process.env.BENCH_BACKFILL_TRACES ?? 6000);
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

  console.log(`\n## ${database}: /api/health during a backfill (${backfillTraces} traces over 14 days, 3 new monitors)`);
  const busy = await startApp({ database, env });
  try {
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
  } finally {
    await busy.stop();
  }
}
