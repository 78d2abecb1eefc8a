import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { monitors, projects, type Monitor } from "@/db/schema";
import { createEmbedder } from "@/lib/embeddings";
import { drainEmbeddingBacklog } from "@/lib/jobs/embed";
import { runMonitorWindow } from "@/lib/jobs/monitor-window";
import { backfillMonitor, runDueMonitors } from "@/lib/jobs/monitor-schedule";
import { refreshVersionChanges } from "@/lib/jobs/version-comparisons";
import { deliverDueAlerts, verifyWebhook } from "@/lib/alerts/delivery";
import { listAlerts } from "@/lib/queries/monitors-alerts";
import { listMonitorResults } from "@/lib/queries/monitors-results";
import { listVersionChanges } from "@/lib/queries/monitors-version-changes";
import { createAlertChannel } from "@/lib/services/alert-channels/create-alert-channel";
import { createMonitor } from "@/lib/services/monitors/create-monitor";
import { updateMonitor } from "@/lib/services/monitors/update-monitor";
import { ValidationError } from "@/lib/errors";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { and, eq } from "drizzle-orm";
import { HOURS, QUALITY_HOUR, syntheticTraffic, TOPIC_HOUR, VERSION_HOUR } from "./monitors-traffic";
import { dbTargets } from "./targets";

const BASE = new Date("2026-11-20T00:00:00Z");
const SEED = 1;
const TRAFFIC_SEED = 11;
const NOW = new Date(BASE.getTime() + HOURS * 3_600_000 + 60_000);
const hour = (h: number) => new Date(BASE.getTime() + h * 3_600_000);
/** The hour (index) of each drift verdict's current window. */
const driftHours = (rows: Array<{ windowStart: string; verdict: string }>) =>
  rows.filter((r) => r.verdict === "drift").map((r) => (new Date(r.windowStart).getTime() - BASE.getTime()) / 3_600_000);

describe.each(dbTargets())("monitors on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let projectId: string;
  const operator = () => ({ db: handle.db, actor: { kind: "operator" as const } });
  const series = new Map<string, Array<{ windowStart: string; verdict: string; statistics: Record<string, unknown> }>>();

  async function monitor(kind: Monitor["kind"], thresholds: Record<string, unknown> = {}) {
    // A fixed seed makes every run of this file compute the same numbers; the false-alarm
    // rate over many seeds is measured in lib/monitors/false-alarms.test.ts.
    const view = await createMonitor({
      ctx: operator(),
      input: { projectId, name: kind, kind, window: "1h", schedule: "0 * * * *", thresholds: { seed: SEED, ...thresholds } },
    });
    const [row] = await handle.db.select().from(monitors).where(and(eq(monitors.projectId, projectId), eq(monitors.id, view.id)));
    return row!;
  }

  beforeAll(async () => {
    handle = await target.open();
    const [project] = await handle.db.insert(projects).values({ slug: "monitors", name: "monitors" }).returning();
    projectId = project!.id;
    await recordTraces(handle.db, { projectId, traces: syntheticTraffic(BASE, 200, TRAFFIC_SEED) });
    const embedder = await createEmbedder({ worker: false, env: { EMBEDDING_MODEL: "driftline-glove-100d" } });
    try {
      await drainEmbeddingBacklog(handle, embedder, { batchSize: 128 });
    } finally {
      await embedder.close();
    }
    // Each kind, created through the service and backfilled over the stored history.
    const kinds = {
      embedding: await monitor("embedding_drift"),
      topic: await monitor("topic_drift"),
      concept: await monitor("concept_drift", { answerPairs: 25 }),
      version: await monitor("version_regression", { answerPairs: 25 }),
      latency: await monitor("metric", { metric: "latency_ms" }),
    };
    for (const [name, m] of Object.entries(kinds)) {
      const result = await backfillMonitor(handle, m, { now: NOW });
      expect(result.total).toBe(HOURS - 1);
      series.set(name, await listMonitorResults(handle.db, projectId, m.id));
    }
  }, 300_000);
  afterAll(async () => {
    await handle?.dispose();
  });

  it("embedding drift fires when the new topic arrives, and only then", () => {
    expect(driftHours(series.get("embedding")!)).toEqual([TOPIC_HOUR]);
  });

  it("topic drift fires on the new topic and names it", () => {
    const rows = series.get("topic")!;
    expect(driftHours(rows)).toEqual([TOPIC_HOUR]);
    const hit = rows.find((r) => r.verdict === "drift") as unknown as { artefacts: { emergingTopics: Array<{ examples: Array<{ text: string }> }> } };
    const examples = hit.artefacts.emergingTopics.flatMap((t) => t.examples.map((e) => e.text)).join(" ");
    expect(examples).toMatch(/vacation|leave|holiday/);
  });

  it("concept drift fires on the quality drop within billing, not on the mix change", () => {
    const rows = series.get("concept")!;
    expect(driftHours(rows)).toEqual([QUALITY_HOUR]);
    const hit = rows.find((r) => r.verdict === "drift")!;
    const flagged = (hit.statistics.comparisons as Array<{ significant: boolean; metric: string }>).filter((c) => c.significant);
    expect(flagged.every((c) => c.metric === "score:helpfulness")).toBe(true);
    const rw = (hit.statistics.reweighting as Array<{ metric: string; withinTopicEffect: number }>).find((r) => r.metric === "score:helpfulness")!;
    expect(rw.withinTopicEffect).toBeLessThan(-0.03);
  });

  it("detects the version change, and the regression monitor fires in its window", async () => {
    // Evaluated in the window of the switch and the next (the switch may fall at a window's end).
    expect(driftHours(series.get("version")!)).toEqual([VERSION_HOUR, VERSION_HOUR + 1]);
    const [change] = await listVersionChanges(handle.db, projectId);
    expect(change).toMatchObject({ provider: "openai", model: "gpt-4o", fromVersion: "gpt-4o-v1", toVersion: "gpt-4o-v2", status: "pending" });
    expect(change!.firstSeenNewAt).toBe(hour(VERSION_HOUR).toISOString());
    await refreshVersionChanges(handle, { now: NOW });
    const [compared] = await listVersionChanges(handle.db, projectId);
    expect(compared!.status).toBe("regression");
    const metrics = (compared!.comparison as { metrics: Array<{ metric: string; direction: string; ci95: [number, number] }> }).metrics;
    expect(metrics.find((m) => m.metric === "latency_ms")).toMatchObject({ direction: "worse" });
    expect(metrics.find((m) => m.metric === "output_tokens")!.ci95[0]).toBeGreaterThan(0.3);
  });

  it("the latency monitor (Page–Hinkley) fires at the version change", () => {
    expect(driftHours(series.get("latency")!)).toEqual([VERSION_HOUR]);
  });

  it("a backfill's latest window opens the alert it deserves; history stays silent", async () => {
    // Backfilled over the same history, all monitors above opened no alert: their latest windows are clean.
    for (const m of await handle.db.select().from(monitors).where(eq(monitors.projectId, projectId))) {
      expect(await listAlerts(handle.db, projectId, { monitorId: m.id })).toHaveLength(0);
    }
    // Created just after the new topic's hour: the present window drifts, and the earlier ones are history.
    const view = await createMonitor({
      ctx: operator(),
      input: { projectId, name: "embedding, created during the event", kind: "embedding_drift", window: "1h", schedule: "0 * * * *", thresholds: { seed: SEED } },
    });
    const [m] = await handle.db.select().from(monitors).where(and(eq(monitors.projectId, projectId), eq(monitors.id, view.id)));
    const at = new Date(hour(TOPIC_HOUR + 1).getTime() + 60_000);
    const result = await backfillMonitor(handle, m!, { now: at });
    expect(result.runs.at(-1)).toMatchObject({ verdict: "drift", windowEnd: hour(TOPIC_HOUR + 1) });
    const alerts = await listAlerts(handle.db, projectId, { monitorId: view.id });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ state: "firing", occurrences: 1 });
    expect(alerts[0]!.firstEvidence.windowStart).toBe(hour(TOPIC_HOUR).toISOString());
    const [after] = await handle.db.select().from(monitors).where(and(eq(monitors.projectId, projectId), eq(monitors.id, view.id)));
    expect(after!.alertState).toBe("firing");
    // Its next scheduled window (clean) resolves it like any other.
    const next = await runDueMonitors(handle, { now: new Date(hour(TOPIC_HOUR + 2).getTime() + 60_000), monitorId: view.id });
    expect(next.runs.map((r) => r.verdict)).toEqual(["ok"]);
    expect((await listAlerts(handle.db, projectId, { monitorId: view.id }))[0]!.state).toBe("resolved");
  });

  it("a rerun of stored windows writes nothing and duplicates nothing", async () => {
    const [m] = await handle.db.select().from(monitors).where(and(eq(monitors.projectId, projectId), eq(monitors.kind, "metric")));
    const again = await backfillMonitor(handle, m!, { now: NOW });
    expect(again.written).toBe(0);
    const races = await Promise.all([runMonitorWindow(handle, m!, hour(2)), runMonitorWindow(handle, m!, hour(2))]);
    expect(races.filter((r) => r.written)).toHaveLength(0);
    const [count] = await handle.query<{ n: number }>("select count(*)::int as n from monitor_results where monitor_id = $1", [m!.id]);
    expect(count!.n).toBe(HOURS - 1);
  });

  it("scheduled runs catch up missed ticks, alert once, resolve, and deliver signed webhooks with retries", async () => {
    // The receiver listens on loopback, which webhook targets may only be when the operator allows it.
    process.env.DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS = "1";
    const received: Array<{ headers: IncomingMessage["headers"]; body: string }> = [];
    let failNext = true;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.statusCode = failNext ? 503 : 200;
        failNext = false;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const channel = await createAlertChannel({ ctx: operator(), input: { projectId, name: "hook", kind: "webhook", url } });
      const view = await createMonitor({
        ctx: operator(),
        input: {
          projectId,
          name: "topics, scheduled",
          kind: "topic_drift",
          window: "1h",
          schedule: "0 * * * *",
          thresholds: { seed: SEED },
          channelIds: [channel.id],
        },
      });
      // As if created before the new topic arrived and the worker was down since.
      await handle.db
        .update(monitors)
        .set({ backfilledAt: hour(TOPIC_HOUR), nextRunAt: hour(TOPIC_HOUR) })
        .where(and(eq(monitors.projectId, projectId), eq(monitors.id, view.id)));
      for (let i = 0; i < 10; i++) if ((await runDueMonitors(handle, { now: NOW, monitorId: view.id })).claimed === 0) break;
      const rows = await listMonitorResults(handle.db, projectId, view.id);
      expect(rows.map((r) => new Date(r.windowEnd).getTime())).toEqual([5, 6, 7, 8].map((h) => hour(h).getTime()));
      const alerts = await listAlerts(handle.db, projectId, { monitorId: view.id });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ state: "resolved", occurrences: 1 });
      expect(alerts[0]!.firstEvidence.windowStart).toBe(hour(TOPIC_HOUR).toISOString());

      // Two notifications (firing, resolved); the first attempt meets a 503 and is retried with backoff.
      const first = await deliverDueAlerts(handle);
      expect(first).toMatchObject({ claimed: 2, delivered: 1, retried: 1 });
      await handle.query("update alert_deliveries set next_attempt_at = now() where delivered_at is null");
      expect(await deliverDueAlerts(handle)).toMatchObject({ claimed: 1, delivered: 1 });
      expect(received).toHaveLength(3);
      for (const r of received) {
        expect(verifyWebhook(channel.secret!, Number(r.headers["x-driftline-timestamp"]), r.body, String(r.headers["x-driftline-signature"]))).toBe(true);
      }
      const events = received.slice(1).map((r) => (JSON.parse(r.body) as { event: string }).event).sort();
      expect(events).toEqual(["alert.firing", "alert.resolved"]);
    } finally {
      delete process.env.DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS;
      await new Promise((r) => server.close(r));
    }
  });

  it("shares due monitors between workers (SKIP LOCKED) and retries a dead worker's window after its lease", async () => {
    const ids: string[] = [];
    for (const name of ["worker-a", "worker-b"]) {
      const m = await monitor("metric", { metric: "output_tokens" });
      await handle.db
        .update(monitors)
        .set({ name, backfilledAt: NOW, nextRunAt: hour(HOURS) })
        .where(and(eq(monitors.projectId, projectId), eq(monitors.id, m.id)));
      ids.push(m.id);
    }
    // Only these two are due: the earlier tests' monitors sit out (one of them is due at the same tick).
    const others = await handle.query<{ id: string }>("update monitors set paused = true where project_id = $1 and paused = false and not (id = any($2::uuid[])) returning id", [projectId, ids]);
    // Two workers at once, one monitor each: every monitor runs its window exactly once.
    const [a, b] = await Promise.all([runDueMonitors(handle, { now: NOW, limit: 1 }), runDueMonitors(handle, { now: NOW, limit: 1 })]);
    await handle.query("update monitors set paused = false where project_id = $1 and id = any($2::uuid[])", [projectId, others.map((o) => o.id)]);
    expect(a.claimed + b.claimed).toBe(2);
    for (const id of ids) {
      const [row] = await handle.query<{ n: number }>("select count(*)::int as n from monitor_results where monitor_id = $1", [id]);
      expect(row!.n).toBe(1);
    }
    // A worker claimed the next window and died: nothing was written, and nobody else takes it during the lease…
    const [dead] = ids;
    await handle.db
      .update(monitors)
      .set({ nextRunAt: hour(HOURS - 1), lockedUntil: new Date(NOW.getTime() + 60_000) })
      .where(and(eq(monitors.projectId, projectId), eq(monitors.id, dead!)));
    await handle.query("delete from monitor_results where monitor_id = $1 and window_end = $2", [dead, hour(HOURS - 1).toISOString()]);
    expect((await runDueMonitors(handle, { now: NOW, monitorId: dead })).claimed).toBe(0);
    // …and once it runs out, the window runs again.
    const later = new Date(NOW.getTime() + 120_000);
    expect((await runDueMonitors(handle, { now: later, monitorId: dead })).runs.map((r) => r.written)).toEqual([true]);
  });

  it("validates input with field paths", async () => {
    const attempt = createMonitor({
      ctx: operator(),
      input: { projectId, name: "", kind: "metric", window: "1y", schedule: "61 * * * *", thresholds: { alpha: 2, bogus: 1 } } as never,
    });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    const paths = ((await attempt.catch((e: ValidationError) => e)) as ValidationError).details!.map((d) => d.path).sort();
    expect(paths).toEqual(expect.arrayContaining(["name", "window", "schedule", "thresholds.alpha", "thresholds"]));
    const [m] = await handle.db.select().from(monitors).where(eq(monitors.projectId, projectId)).limit(1);
    await expect(updateMonitor({ ctx: operator(), input: { projectId, monitorId: m!.id, thresholds: { alpha: -1 } } })).rejects.toBeInstanceOf(ValidationError);
    const paused = await updateMonitor({ ctx: operator(), input: { projectId, monitorId: m!.id, paused: true } });
    expect(paused.paused).toBe(true);
  });
});
