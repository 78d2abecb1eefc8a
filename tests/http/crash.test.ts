// Crash safety (issue 9): the server, or a worker, is killed with SIGKILL in
// the middle of work and started again on the same database. Nothing that
// was acknowledged is lost, nothing is stored twice, and the leased jobs
// (embedding, monitors) are taken over once the dead process's lease expires.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { appTargets, startApp, startWorker, TEST_PROJECT, type RunningApp, type RunningWorker } from "../../testing/app-server";
import { apiHeaders, nativeTrace, startIngestLoad, waitFor } from "../../testing/traffic";

const heavy = process.env.DRIFTLINE_HEAVY_TESTS === "1";
const LEASE_SECONDS = "3";
const appEnv = { DRIFTLINE_DEMO: "0", EMBEDDING_MODEL: "driftline-glove-100d", DRIFTLINE_JOB_LEASE_SECONDS: LEASE_SECONDS };

/** The app's database opened from the test: PostgreSQL at any time; the PGlite directory only while no server holds it. */
function openAppDatabase(app: RunningApp): Promise<DatabaseHandle> {
  return app.database === "postgres"
    ? openDatabase({ url: app.databaseUrl, maxConnections: 2 })
    : openDatabase({ dataDir: path.join(app.storage.dataDir, "pglite") });
}

async function projectId(db: DatabaseHandle): Promise<string> {
  const [row] = await db.query<{ id: string }>("select id from projects where slug = $1", [TEST_PROJECT]);
  return row!.id;
}

async function api<T>(app: RunningApp, route: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${app.url}${route}`, { ...init, headers: apiHeaders });
  return { status: response.status, body: (await response.json()) as T };
}

describe.skipIf(!heavy).each(appTargets())("crash safety on %s (SIGKILL mid-load, restart on the same data)", (database) => {
  const apps: RunningApp[] = [];
  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop().catch(() => undefined);
  });

  it("keeps every acknowledged trace exactly once and resumes the embedding and monitor jobs", { timeout: 240_000 }, async () => {
    let app = await startApp({ database, env: appEnv });
    apps.push(app);
    const load = startIngestLoad({ target: () => app.url, clients: 4, batchSize: 20, prefix: "crash", spreadMs: 6 * 3_600_000 });
    await waitFor("acknowledged traffic", async () => load.stats.acknowledged.size >= 600, 60_000);

    // An embedding-drift monitor waits until the texts before its horizon are embedded, so
    // under sustained ingest it cannot have run yet when the server dies.
    const created = await api<{ id: string }>(app, "/api/v1/monitors", {
      method: "POST",
      body: JSON.stringify({ name: "crash drift", kind: "embedding_drift", window: "1h", schedule: "0 * * * *", thresholds: { minSamples: 5 } }),
    });
    expect(created.status).toBe(201);
    const monitorId = created.body.id;
    await new Promise((r) => setTimeout(r, 300));

    const acknowledgedBeforeKill = load.stats.acknowledged.size;
    await app.kill("SIGKILL");

    // The state the dead process left behind. On PGlite this open also takes over the stale lock.
    const atKill = await openAppDatabase(app);
    const [frozen] = await atKill.query<{ backfilled: boolean; results: number; backlog: number }>(
      `select (select backfilled_at is not null from monitors where id = $1) as backfilled,
              (select count(*)::int from monitor_results where monitor_id = $1) as results,
              (select count(*)::int from embedding_backlog) as backlog`,
      [monitorId],
    );
    await atKill.close();
    expect(frozen).toEqual({ backfilled: false, results: 0, backlog: expect.any(Number) });
    expect(frozen!.backlog).toBeGreaterThan(0);

    const killed = app;
    const restartStarted = performance.now();
    app = await startApp({ database, env: appEnv, reuse: killed });
    apps.push(app);
    const restartSeconds = (performance.now() - restartStarted) / 1000;
    await waitFor("acknowledged traffic after the restart", async () => load.stats.acknowledged.size >= acknowledgedBeforeKill + 300, 60_000);
    const stats = await load.stop();

    // The jobs resume: the backlog drains and the monitor gets its windows.
    await waitFor(
      "the embedding backlog to drain",
      async () => (await api<{ pending: number }>(app, "/api/v1/embeddings/backlog")).body.pending === 0,
      120_000,
      500,
    );
    const drainedAt = performance.now();
    await waitFor(
      "the monitor's backfill",
      async () => (await api<{ backfilledAt: string | null }>(app, `/api/v1/monitors/${monitorId}`)).body.backfilledAt,
      90_000,
      500,
    );
    const backfillSeconds = (performance.now() - drainedAt) / 1000;
    const results = (await api<{ data: Array<{ windowStart: string; verdict: string }> }>(app, `/api/v1/monitors/${monitorId}/results`)).body.data;
    // Six hours of traffic: at least four hourly windows with a preceding hour as reference.
    expect(results.length).toBeGreaterThanOrEqual(4);

    // PGlite allows one process: stop the server before counting (its data stays until the end).
    if (database === "pglite") await app.kill("SIGTERM");
    const db = await openAppDatabase(app);
    try {
      const project = await projectId(db);
      const acknowledged = [...stats.acknowledged];
      const [ack] = await db.query<{ rows: number; ids: number }>(
        "select count(*)::int as rows, count(distinct external_id)::int as ids from traces where project_id = $1 and external_id = any($2::text[])",
        [project, acknowledged],
      );
      expect(ack).toEqual({ rows: acknowledged.length, ids: acknowledged.length });
      const [unack] = await db.query<{ rows: number; ids: number }>(
        "select count(*)::int as rows, count(distinct external_id)::int as ids from traces where project_id = $1 and external_id = any($2::text[])",
        [project, [...stats.unacknowledged]],
      );
      expect(unack!.rows).toBe(unack!.ids); // absent or present once, never twice
      const [total] = await db.query<{ rows: number }>("select count(*)::int as rows from traces where project_id = $1", [project]);
      expect(total!.rows).toBe(acknowledged.length + unack!.ids);

      const [embedded] = await db.query<{ backlog: number; embeddings: number; distinct_texts: number }>(
        `select (select count(*)::int from embedding_backlog where project_id = $1) as backlog,
                (select count(*)::int from embeddings where project_id = $1) as embeddings,
                (select count(distinct (trace_id, kind))::int from embeddings where project_id = $1) as distinct_texts`,
        [project],
      );
      expect(embedded).toEqual({ backlog: 0, embeddings: 2 * total!.rows, distinct_texts: 2 * total!.rows });

      const windows = await db.query<{ n: number; distinct_windows: number; locked: boolean }>(
        `select count(*)::int as n, count(distinct (window_start, window_end))::int as distinct_windows,
                (select locked_until is not null and locked_until > now() from monitors where id = $1) as locked
           from monitor_results where monitor_id = $1`,
        [monitorId],
      );
      expect(windows[0]!.n).toBe(windows[0]!.distinct_windows);
      expect(windows[0]!.n).toBeGreaterThanOrEqual(results.length);
      console.log(
        `[crash ${database}] ${stats.requests} requests ${JSON.stringify(Object.fromEntries(stats.answered))}; ` +
          `${acknowledged.length} acknowledged (${acknowledgedBeforeKill} before the kill), ${stats.unacknowledged.size} unacknowledged of which ${unack!.ids} stored; ` +
          `restart ${restartSeconds.toFixed(1)} s; ${embedded!.embeddings} embeddings; ${windows[0]!.n} monitor windows, backfilled ${backfillSeconds.toFixed(1)} s after the backlog drained`,
      );
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(!heavy || !process.env.TEST_DATABASE_URL)("a worker killed mid-monitor-run on postgres", () => {
  let app: RunningApp;
  const workers: RunningWorker[] = [];
  afterAll(async () => {
    for (const w of workers) await w.kill().catch(() => undefined);
    await app?.stop();
  });

  it("is taken over by another worker once its lease expires, without a duplicated window", { timeout: 180_000 }, async () => {
    app = await startApp({ database: "postgres", env: { ...appEnv, DRIFTLINE_JOBS: "off" } });
    // 40 hours of traffic: a 10-minute monitor has 200 windows to backfill (MAX_BACKFILL_WINDOWS).
    const end = Date.now();
    const traces = Array.from({ length: 2400 }, (_, i) => nativeTrace(`w-${i}`, new Date(end - 40 * 3_600_000 + i * 60_000), i));
    for (let i = 0; i < traces.length; i += 500) {
      const posted = await api(app, "/api/v1/traces", { method: "POST", body: JSON.stringify({ traces: traces.slice(i, i + 500) }) });
      expect(posted.status).toBe(200);
    }
    const created = await api<{ id: string }>(app, "/api/v1/monitors", {
      method: "POST",
      body: JSON.stringify({ name: "latency every 10 minutes", kind: "metric", window: "10m", schedule: "*/10 * * * *", thresholds: { metric: "latency_ms", minSamples: 5 } }),
    });
    expect(created.status).toBe(201);
    const monitorId = created.body.id;

    const db = await openDatabase({ url: app.databaseUrl, maxConnections: 2 });
    try {
      const state = async () =>
        (
          await db.query<{ results: number; backfilled: boolean }>(
            `select (select count(*)::int from monitor_results where monitor_id = $1) as results,
                    (select backfilled_at is not null from monitors where id = $1) as backfilled`,
            [monitorId],
          )
        )[0]!;

      const first = await startWorker({ databaseUrl: app.databaseUrl!, env: appEnv });
      workers.push(first);
      await waitFor("the first worker's backfill to be under way", async () => (await state()).results >= 10, 60_000, 20);
      await first.kill("SIGKILL");
      const atKill = await state();
      expect(atKill.backfilled).toBe(false);
      expect(atKill.results).toBeLessThan(200);

      const second = await startWorker({ databaseUrl: app.databaseUrl!, env: appEnv });
      workers.push(second);
      const done = await waitFor("the second worker to finish the backfill", async () => {
        const s = await state();
        return s.backfilled && s.results > atKill.results && s;
      }, 120_000, 250);
      const [series] = await db.query<{ n: number; distinct_windows: number; span: number }>(
        `select count(*)::int as n, count(distinct (window_start, window_end))::int as distinct_windows,
                (extract(epoch from max(window_start) - min(window_start)) / 600)::int + 1 as span
           from monitor_results where monitor_id = $1`,
        [monitorId],
      );
      // One result per window, and no gap where the first worker died.
      expect(series).toEqual({ n: done.results, distinct_windows: done.results, span: done.results });
      expect(second.output()).toContain('monitor "latency every 10 minutes" backfilled');

      // The embedding job of the worker drains the backlog too.
      await waitFor("the worker to embed the backlog", async () => (await db.query<{ n: number }>("select count(*)::int as n from embedding_backlog"))[0]!.n === 0, 120_000, 500);
      console.log(`[crash worker] killed after ${atKill.results} of ${done.results} windows; the second worker wrote the other ${done.results - atKill.results}`);
    } finally {
      await db.close();
    }
  });
});
