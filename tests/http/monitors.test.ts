import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appTargets, startApp, TEST_KEY, TEST_PROJECT, type RunningApp } from "../../testing/app-server";
import { ADMIN, sessionFetch, signIn } from "./tenants";

const auth = { Authorization: `Bearer ${TEST_KEY}` };
const json = { ...auth, "Content-Type": "application/json" };

/** Two hours of traces ending at the last full hour, so a new hourly monitor has windows to backfill. */
function traffic() {
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  return Array.from({ length: 240 }, (_, i) => ({
    id: `m-${i}`,
    timestamp: new Date(end - 2 * 3_600_000 + i * 30_000).toISOString(),
    provider: "openai",
    model: "gpt-4o-mini",
    modelVersion: "gpt-4o-mini-2024-07-18",
    route: "support",
    prompt: "How do I export my invoices?",
    response: "Open Billing, Invoices and choose Export.",
    latencyMs: 500 + (i % 17) * 10,
    inputTokens: 10,
    outputTokens: 12,
    costUsd: 0.00002,
    status: "ok",
  }));
}

describe.each(appTargets())("monitor API on %s", (database) => {
  let app: RunningApp;
  const api = (path: string, init: RequestInit = {}) => fetch(`${app.url}${path}`, { ...init, headers: { ...json, ...(init.headers ?? {}) } });

  beforeAll(async () => {
    app = await startApp({ database });
    const ingest = await api("/api/v1/traces", { method: "POST", body: JSON.stringify({ traces: traffic() }) });
    expect(ingest.status).toBeLessThan(300);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("creates, reads, lists, pauses, backfills and deletes a monitor", async () => {
    const created = await api("/api/v1/monitors", {
      method: "POST",
      body: JSON.stringify({ name: "latency", kind: "metric", window: "1h", schedule: "0 * * * *", segment: { route: "support" }, thresholds: { metric: "latency_ms", minSamples: 20 } }),
    });
    expect(created.status).toBe(201);
    const monitor = (await created.json()) as { id: string; window: string; effectiveThresholds: Record<string, unknown>; alertState: string };
    expect(monitor).toMatchObject({ window: "1h", alertState: "ok" });
    expect(monitor.effectiveThresholds).toMatchObject({ detector: "page_hinkley", alpha: 0.01, metric: "latency_ms" });
    expect(created.headers.get("location")).toBe(`/api/v1/monitors/${monitor.id}`);

    const list = (await (await api("/api/v1/monitors")).json()) as { data: Array<{ id: string }> };
    expect(list.data.map((m) => m.id)).toContain(monitor.id);
    expect((await api(`/api/v1/monitors/${monitor.id}`)).status).toBe(200);

    // The job backfills the new monitor's series over the stored traces.
    let results: Array<{ windowStart: string; windowEnd: string; verdict: string; sampleSizes: { current: number }; statistics: Record<string, unknown> }> = [];
    for (let i = 0; i < 60 && results.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      results = ((await (await api(`/api/v1/monitors/${monitor.id}/results`)).json()) as { data: typeof results }).data;
    }
    expect(results.length).toBeGreaterThan(0);
    const last = results.at(-1)!;
    expect(last.verdict).toBe("ok");
    expect(last.sampleSizes.current).toBe(120);
    expect(last.statistics).toMatchObject({ detector: "page_hinkley", metric: "latency_ms" });
    const withoutArtefacts = (await (await api(`/api/v1/monitors/${monitor.id}/results?artefacts=0&limit=1`)).json()) as { data: object[] };
    expect(withoutArtefacts.data).toHaveLength(1);
    expect(withoutArtefacts.data[0]).not.toHaveProperty("artefacts");

    const paused = await api(`/api/v1/monitors/${monitor.id}`, { method: "PATCH", body: JSON.stringify({ paused: true, thresholds: { alpha: 0.001 } }) });
    expect(paused.status).toBe(200);
    expect(await paused.json()).toMatchObject({ paused: true, thresholds: { alpha: 0.001 } });

    expect((await api(`/api/v1/monitors/${monitor.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(`/api/v1/monitors/${monitor.id}`)).status).toBe(404);
    expect((await api(`/api/v1/monitors/${monitor.id}/results`)).status).toBe(404);
  });

  it("answers 422 with a path for every bad field, 400 for bad JSON, 401 without a key", async () => {
    const bad = await api("/api/v1/monitors", {
      method: "POST",
      body: JSON.stringify({ name: "", kind: "embedding_drift", window: "2y", schedule: "* * *", thresholds: { auc: 2 }, reference: { type: "fixed", from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z" } }),
    });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: { code: string; details: Array<{ path: string }> } };
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.details.map((d) => d.path)).toEqual(expect.arrayContaining(["name", "window", "schedule", "reference.from", "thresholds.auc"]));
    expect((await api("/api/v1/monitors", { method: "POST", body: "{" })).status).toBe(400);
    expect((await api("/api/v1/monitors", { method: "POST", body: JSON.stringify({ name: "x", kind: "metric", channelIds: ["00000000-0000-4000-8000-000000000000"] }) })).status).toBe(422);
    expect((await fetch(`${app.url}/api/v1/monitors`)).status).toBe(401);
    expect((await api("/api/v1/monitors/not-an-id")).status).toBe(404);
  });

  it("lists version changes, alerts and alert channels", async () => {
    const versions = await api("/api/v1/version-changes?status=regression");
    expect(versions.status).toBe(200);
    expect(await versions.json()).toEqual({ data: [] });
    expect((await api("/api/v1/version-changes?status=bogus")).status).toBe(422);
    const alerts = await api("/api/v1/alerts?state=firing");
    expect(await alerts.json()).toEqual({ data: [] });
    const channel = await api("/api/v1/alerts/channels", { method: "POST", body: JSON.stringify({ name: "ops", kind: "webhook", url: "https://hooks.example.com/driftline" }) });
    expect(channel.status).toBe(201);
    const created = (await channel.json()) as { id: string; secret: string };
    expect(created.secret).toMatch(/^whsec_/);
    const channels = (await (await api("/api/v1/alerts/channels")).json()) as { data: Array<Record<string, unknown>> };
    expect(channels.data).toHaveLength(1);
    expect(channels.data[0]).not.toHaveProperty("secret");
  });
  it("answers the same in the session tree: Location, PATCH, one body reader, one trace list", async () => {
    const admin = await signIn(app, ADMIN.email, ADMIN.password);
    const base = `/api/projects/${TEST_PROJECT}`;
    const made = await sessionFetch(app, admin, `${base}/monitors`, {
      method: "POST",
      body: { name: "session latency", kind: "metric", window: "1h", schedule: "0 * * * *", thresholds: { metric: "latency_ms" } },
    });
    expect(made.status).toBe(201);
    const id = ((await made.json()) as { id: string }).id;
    expect(made.headers.get("location")).toBe(`${base}/monitors/${id}`);

    // One PATCH: the body goes to the service whole (unknown fields ignored), the ids come from the path.
    const other = "00000000-0000-4000-8000-000000000000";
    const patch = { paused: true, kind: "embedding_drift", projectId: other, monitorId: other };
    const viaSession = await sessionFetch(app, admin, `${base}/monitors/${id}`, { method: "PATCH", body: { ...patch, name: "renamed" } });
    expect(viaSession.status).toBe(200);
    expect(await viaSession.json()).toMatchObject({ id, name: "renamed", paused: true, kind: "metric" });
    const viaKey = await api(`/api/v1/monitors/${id}`, { method: "PATCH", body: JSON.stringify({ ...patch, name: "again" }) });
    expect(viaKey.status).toBe(200);
    expect(await viaKey.json()).toMatchObject({ id, name: "again", paused: true, kind: "metric" });
    // An unknown monitor is 404 before its body is judged, in both trees.
    expect((await sessionFetch(app, admin, `${base}/monitors/${other}`, { method: "PATCH", body: { schedule: "nope" } })).status).toBe(404);
    expect((await api(`/api/v1/monitors/${other}`, { method: "PATCH", body: JSON.stringify({ schedule: "nope" }) })).status).toBe(404);

    // One body reader: not an object is 400 at `body`; an empty body reads as {} and is 422 naming the fields.
    const sessionRaw = (body: string) =>
      fetch(`${app.url}${base}/monitors`, { method: "POST", headers: { Cookie: admin.cookie, "Content-Type": "application/json" }, body });
    for (const send of [(body: string) => api("/api/v1/monitors", { method: "POST", body }), sessionRaw]) {
      for (const body of ["[1]", "{"]) {
        const refused = await send(body);
        expect(refused.status, body).toBe(400);
        expect(await refused.json()).toMatchObject({ error: { code: "invalid_payload", details: [{ path: "body" }] } });
      }
      const empty = await send("");
      expect(empty.status).toBe(422);
      const paths = ((await empty.json()) as { error: { details: Array<{ path: string }> } }).error.details.map((d) => d.path);
      expect(paths).toEqual(expect.arrayContaining(["name", "kind"]));
    }

    // One trace list: the same filter gives the same traces, in full through the key and as rows in the dashboard.
    const query = "?status=ok&model=gpt-4o-mini&route=&q=invoices&limit=7";
    const full = (await (await api(`/api/v1/traces${query}`)).json()) as { data: Array<{ id: string; prompt: unknown }>; nextCursor: string };
    const rows = (await (await sessionFetch(app, admin, `${base}/traces${query}`)).json()) as { data: Array<{ id: string; promptText: string }>; nextCursor: string };
    expect(full.data).toHaveLength(7);
    expect(rows.data.map((r) => r.id)).toEqual(full.data.map((t) => t.id));
    expect(rows.nextCursor).toBe(full.nextCursor);
    expect(full.data[0]!.prompt).toBeDefined();
    expect(rows.data[0]!.promptText).toContain("invoices");
    expect((await api("/api/v1/traces?status=refused")).status).toBe(200);
    expect(((await (await api("/api/v1/traces?status=refused")).json()) as { data: unknown[] }).data).toEqual([]);

    expect((await sessionFetch(app, admin, `${base}/monitors/${id}`, { method: "DELETE" })).status).toBe(204);
  });
});
