// Database outage (issue 9): a TCP proxy stands between the app and
// PostgreSQL; taking it down cuts every connection and refuses new ones, as a
// stopped database would — without stopping the server other tests share.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { startApp, TEST_PROJECT, type RunningApp } from "../../testing/app-server";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";
import { apiHeaders, nativeTrace, startIngestLoad, waitFor } from "../../testing/traffic";

function batch(prefix: string, size = 10) {
  const now = Date.now();
  return Array.from({ length: size }, (_, i) => nativeTrace(`${prefix}-${i}`, new Date(now - i * 1000), i));
}

describe.skipIf(!process.env.TEST_DATABASE_URL)("database outage on postgres (through a TCP proxy)", () => {
  let app: RunningApp;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const target = new URL(process.env.TEST_DATABASE_URL!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    app = await startApp({
      database: "postgres",
      env: { DRIFTLINE_DEMO: "0", EMBEDDING_MODEL: "driftline-glove-100d" },
      connectVia: (url) => {
        const viaProxy = new URL(url);
        viaProxy.hostname = "127.0.0.1";
        viaProxy.port = String(proxy.port);
        return viaProxy.toString();
      },
    });
  });
  afterAll(async () => {
    await proxy?.up();
    await app?.stop();
    await proxy?.close();
  });

  const post = (traces: unknown[]) =>
    fetch(`${app.url}/api/v1/traces`, { method: "POST", headers: apiHeaders, body: JSON.stringify({ traces }), signal: AbortSignal.timeout(20_000) });

  it("answers 503 while the database is away, loses nothing acknowledged, stores nothing refused, and recovers by itself", async () => {
    expect(proxy.connections).toBeGreaterThan(0); // the app really talks through the proxy
    const acknowledged: string[] = [];
    for (let i = 0; i < 3; i++) {
      const traces = batch(`before-${i}`);
      const response = await post(traces);
      expect(response.status).toBe(200);
      acknowledged.push(...traces.map((t) => t.id));
    }
    // Traffic keeps flowing through the outage, so some requests are cut mid-flight.
    const load = startIngestLoad({ target: () => app.url, clients: 2, batchSize: 10, prefix: "through", spreadMs: 3_600_000 });
    await waitFor("traffic through the proxy", async () => load.stats.acknowledged.size >= 100, 30_000);

    await proxy.down();
    const refused: string[] = [];
    for (let i = 0; i < 4; i++) {
      const traces = batch(`down-${i}`);
      const started = performance.now();
      const response = await post(traces);
      const elapsed = performance.now() - started;
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(await response.json()).toEqual({ error: { code: "unavailable", message: expect.stringMatching(/database/i) } });
      expect(elapsed).toBeLessThan(10_000); // fails fast, does not hang
      refused.push(...traces.map((t) => t.id));
    }
    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "unavailable", reason: expect.stringMatching(/^database: /) });
    const ready = await fetch(`${app.url}/api/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "not-ready", reason: expect.stringMatching(/^database: /) });
    const read = await fetch(`${app.url}/api/v1/traces?limit=1`, { headers: apiHeaders });
    expect(read.status).toBe(503);

    await proxy.up();
    const upAt = performance.now();
    let recoveredAfterMs = -1;
    for (let i = 0; recoveredAfterMs < 0; i++) {
      const traces = batch(`after-${i}`);
      const response = await post(traces);
      if (response.status === 200) {
        recoveredAfterMs = performance.now() - upAt;
        acknowledged.push(...traces.map((t) => t.id));
      } else {
        expect(response.status).toBe(503);
        if (performance.now() - upAt > 15_000) throw new Error("ingest did not recover within 15 s of the database coming back");
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${app.url}/api/ready`)).status).toBe(200);
    const stats = await load.stop();
    expect(app.output()).not.toMatch(/uncaught|unhandled/i);

    // Counted on PostgreSQL directly, not through the proxy.
    const db = await openDatabase({ url: app.databaseUrl, maxConnections: 1 });
    try {
      const [{ id: project }] = (await db.query<{ id: string }>("select id from projects where slug = $1", [TEST_PROJECT])) as [{ id: string }];
      const count = async (ids: string[]) =>
        (
          await db.query<{ rows: number; ids: number }>(
            "select count(*)::int as rows, count(distinct external_id)::int as ids from traces where project_id = $1 and external_id = any($2::text[])",
            [project, ids],
          )
        )[0]!;
      const all = [...acknowledged, ...stats.acknowledged];
      expect(await count(all)).toEqual({ rows: all.length, ids: all.length });
      expect(await count(refused)).toEqual({ rows: 0, ids: 0 });
      const cut = await count([...stats.unacknowledged]);
      expect(cut.rows).toBe(cut.ids);
      console.log(
        `[outage] recovered ${recoveredAfterMs.toFixed(0)} ms after the database came back; load ${JSON.stringify(Object.fromEntries(stats.answered))}, ` +
          `${stats.acknowledged.size} acknowledged, ${stats.unacknowledged.size} not (${cut.ids} of those stored anyway, once)`,
      );
      expect(recoveredAfterMs).toBeLessThan(15_000);
    } finally {
      await db.close();
    }
  }, 120_000);
});
