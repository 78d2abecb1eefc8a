import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalTrace } from "../../testing/fixtures/trace";
import type { DatabaseHandle } from "@/db/client";
import { ensureEmbeddingModel } from "@/db/embedding-index";
import { projects } from "@/db/schema";
import { histogramOf, latencyBucket, latencyBucketBounds, quantileFromHistogram } from "@/lib/queries/latency-buckets";
import type { NormalizedTrace } from "@/lib/ingest/types";
import { runRetentionBatch } from "@/lib/jobs/retention";
import { drainRollups, runRollupBatch } from "@/lib/jobs/rollup";
import { getNearDuplicates } from "@/lib/queries/near-duplicates";
import { getOverview } from "@/lib/queries/overview";
import { getBreakdown } from "@/lib/queries/overview-breakdown";
import { getRouting } from "@/lib/queries/routing";
import { getMatchedComparison } from "@/lib/queries/routing-matched";
import { similarTraces } from "@/lib/queries/trace-detail";
import { listTraces } from "@/lib/queries/traces-list";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { dbTargets } from "./targets";

const H = 3_600_000;
const BASE = Date.parse("2026-11-20T10:00:00Z");

function trace(i: number, over: Partial<NormalizedTrace> = {}): NormalizedTrace {
  return minimalTrace(`t-${i}`, {
    timestamp: new Date(BASE + (i % 3) * H + i * 1000),
    provider: "openai",
    model: i % 2 === 0 ? "gpt-4o" : "gpt-4o-mini",
    route: i % 2 === 0 ? "quality" : "cheap",
    prompt: [{ role: "user", content: `question ${i % 5}` }],
    response: [{ role: "assistant", content: "answer" }],
    latencyMs: 100 + i * 37,
    inputTokens: 10,
    outputTokens: 20,
    costUsd: i % 2 === 0 ? 0.01 : 0.001,
    status: i % 10 === 0 ? "error" : "ok",
    finishReason: "stop",
    userId: `u-${i % 7}`,
    tags: i % 3 === 0 ? ["billing", "vip"] : ["billing"],
    scores: { helpfulness: (i % 4) / 4 },
    ...over,
  });
}

describe.each(dbTargets())("rollups and dashboard queries on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let projectId: string;
  const all = Array.from({ length: 60 }, (_, i) => trace(i));
  const period = { from: new Date(BASE - 24 * H), to: new Date(BASE + 24 * H) };

  beforeAll(async () => {
    handle = await target.open();
    const [project] = await handle.db.insert(projects).values({ slug: "roll", name: "roll" }).returning();
    projectId = project!.id;
    await recordTraces(handle.db, { projectId, traces: all });
  });
  afterAll(async () => handle?.dispose());

  it("rolls every touched hour up once, and a second run finds nothing to do", async () => {
    const first = await drainRollups(handle.db);
    expect(first.hours).toBe(3);
    expect(await runRollupBatch(handle.db)).toEqual({ claimed: 0, hours: 0 });
    const rows = await handle.query<{ requests: number; errors: number; cost: number; n: number }>(
      "select sum(requests)::int as requests, sum(errors)::int as errors, sum(cost_usd)::float8 as cost, count(*)::int as n from hourly_rollups where project_id = $1",
      [projectId],
    );
    expect(rows[0]).toMatchObject({ requests: 60, errors: 6, n: 6 });
    expect(rows[0]!.cost).toBeCloseTo(30 * 0.01 + 30 * 0.001, 9);
  });

  it("answers the overview from the rollups with exact counts and bucket-accurate percentiles", async () => {
    const o = await getOverview(handle.db, projectId, period);
    expect(o.hasTraces).toBe(true);
    expect(o.pendingHours).toBe(0);
    expect(o.current.requests).toBe(60);
    expect(o.current.activeUsers).toBe(7);
    expect(o.current.errorRate).toBeCloseTo(0.1, 9);
    expect(o.current.scores.helpfulness!.count).toBe(60);
    expect(o.current.scores.helpfulness!.average).toBeCloseTo(all.reduce((s, t) => s + t.scores.helpfulness!, 0) / 60, 9);
    const exact = quantileFromHistogram(histogramOf(all.map((t) => t.latencyMs!)), 0.95)!;
    expect(o.current.latencyP95Ms).toBeCloseTo(exact, 6);
    const [lo, hi] = latencyBucketBounds(latencyBucket(o.current.latencyP50Ms!));
    const sorted = all.map((t) => t.latencyMs!).sort((a, b) => a - b);
    expect(sorted[29]! * 0.8).toBeLessThan(hi);
    expect(sorted[29]! * 1.2).toBeGreaterThan(lo);
    expect(o.previous.requests).toBe(0);
    expect(o.series.reduce((s, p) => s + p.requests, 0)).toBe(60);
    expect(o.period.unit).toBe("hour");
  });

  it("counts active users exactly across whole days and partial edges", async () => {
    // A period from mid-day to mid-day two days later: edges from the traces, the middle day from daily_active_users.
    await recordTraces(handle.db, {
      projectId,
      traces: [trace(1000, { timestamp: new Date(BASE + 26 * H), userId: "late-user" }), trace(1001, { timestamp: new Date(BASE + 14 * H), userId: "u-1" })],
    });
    await drainRollups(handle.db);
    const o = await getOverview(handle.db, projectId, { from: new Date(BASE - 12 * H), to: new Date(BASE + 36 * H) });
    expect(o.current.activeUsers).toBe(8);
    expect(o.current.requests).toBe(62);
  });

  it("breaks down by model, route and tag", async () => {
    const byModel = await getBreakdown(handle.db, projectId, period, "model");
    // t-1001 (gpt-4o-mini) was added in the period by the test before.
    expect(Object.fromEntries(byModel.rows.map((r) => [r.key, r.requests]))).toEqual({ "gpt-4o": 30, "gpt-4o-mini": 31 });
    expect(byModel.rows.every((r) => r.scores.helpfulness !== undefined)).toBe(true);
    const byTag = await getBreakdown(handle.db, projectId, period, "tag");
    expect(Object.fromEntries(byTag.rows.map((r) => [r.key, r.requests]))).toEqual({ billing: 61, vip: 20 });
  });

  it("recomputes an hour when a trace in it is deleted or rescored", async () => {
    await handle.query("delete from traces where project_id = $1 and external_id = 't-0'", [projectId]);
    await handle.query("update scores set value = 1 where project_id = $1", [projectId]);
    await drainRollups(handle.db);
    const o = await getOverview(handle.db, projectId, period);
    expect(o.current.requests).toBe(60);
    expect(o.current.errorRate).toBeCloseTo(5 / 60, 9);
    expect(o.current.scores.helpfulness!.average).toBe(1);
  });

  it("rolls an hour up again when a score arrives later for one of its traces", async () => {
    await drainRollups(handle.db);
    await handle.query(
      `insert into scores (project_id, trace_id, name, source, value)
       select project_id, id, 'late_review', 'api', 0.25 from traces where project_id = $1 and external_id = 't-7'`,
      [projectId],
    );
    const dirty = await handle.query<{ hour: Date }>("select hour from rollup_dirty_hours where project_id = $1", [projectId]);
    expect(dirty.map((d) => new Date(d.hour).toISOString())).toEqual([new Date(BASE + H).toISOString()]);
    await drainRollups(handle.db);
    const o = await getOverview(handle.db, projectId, period);
    expect(o.current.scores.late_review).toMatchObject({ count: 1, average: 0.25 });
  });

  it("lets concurrent workers share the queue without double counting", async () => {
    await recordTraces(handle.db, { projectId, traces: Array.from({ length: 30 }, (_, i) => trace(2000 + i)) });
    await Promise.all([drainRollups(handle.db, { limit: 1 }), drainRollups(handle.db, { limit: 1 }), drainRollups(handle.db, { limit: 1 })]);
    const [row] = await handle.query<{ n: number }>("select sum(requests)::int as n from hourly_rollups where project_id = $1", [projectId]);
    const [raw] = await handle.query<{ n: number }>("select count(*)::int as n from traces where project_id = $1", [projectId]);
    expect(row!.n).toBe(raw!.n);
  });

  it("serves the routing series and scatter", async () => {
    const r = await getRouting(handle.db, projectId, period, { by: "model" });
    expect(r.keys.sort()).toEqual(["gpt-4o", "gpt-4o-mini"]);
    expect(r.score).toBe("helpfulness");
    expect(r.totals.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1, 9);
    expect(r.scatter.length).toBe(2);
    const byRoute = await getRouting(handle.db, projectId, period, { by: "route" });
    expect(byRoute.keys.sort()).toEqual(["cheap", "quality"]);
  });

  it("pages the trace table by keyset and filters by text, status and model", async () => {
    const first = await listTraces(handle.db, projectId, { limit: 25 });
    expect(first.rows).toHaveLength(25);
    const second = await listTraces(handle.db, projectId, { limit: 25, cursor: first.nextCursor! });
    expect(new Set([...first.rows, ...second.rows].map((r) => r.id)).size).toBe(50);
    expect(first.rows[24]!.startedAt >= second.rows[0]!.startedAt).toBe(true);
    const q = await listTraces(handle.db, projectId, { limit: 100, q: "QUESTION 3" });
    expect(q.rows.length).toBeGreaterThan(0);
    expect(q.rows.every((r) => r.promptText === "question 3")).toBe(true);
    // Text search walks newest-first time windows; its pages match the unfiltered order.
    await recordTraces(handle.db, { projectId, traces: [trace(3000, { timestamp: new Date(Date.now() - 400 * 86_400_000) })] });
    const all2 = await listTraces(handle.db, projectId, { limit: 500 });
    const byText: string[] = [];
    let cursor: { startedAt: Date; id: string } | undefined;
    for (;;) {
      const page = await listTraces(handle.db, projectId, { limit: 7, q: "question", cursor });
      byText.push(...page.rows.map((r) => r.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(byText).toEqual(all2.rows.filter((r) => r.promptText?.includes("question")).map((r) => r.id));
    expect(byText.length).toBeGreaterThan(80);
    const pct = await listTraces(handle.db, projectId, { limit: 100, q: "%" });
    expect(pct.rows).toHaveLength(0);
    const errors = await listTraces(handle.db, projectId, { limit: 100, status: "error", model: "gpt-4o" });
    expect(errors.rows.every((r) => r.status === "error" && r.model === "gpt-4o")).toBe(true);
  });

  it("text search reads past its first chunks of rows in the unfiltered order, ties on started_at included", async () => {
    const [project] = await handle.db.insert(projects).values({ slug: "search", name: "search" }).returning();
    const searchProject = project!.id;
    // 10,000 traces, two per second (so chunk boundaries fall between traces of the same instant), one in 997 matching.
    await handle.query(
      `with t as (
         insert into traces (project_id, external_id, started_at, prompt_text, status)
         select $1, 's-' || g, $2::timestamptz - make_interval(secs => g / 2),
                case when g % 997 = 0 then 'the Needle ' || g else 'hay ' || g end, 'ok'
           from generate_series(0, 9999) g
         returning project_id, id, external_id, started_at)
       insert into trace_keys (project_id, id, external_id, started_at) select project_id, id, external_id, started_at from t`,
      [searchProject, new Date(BASE).toISOString()],
    );
    const expected = (
      await handle.query<{ id: string }>(
        "select id from traces where project_id = $1 and prompt_text ilike '%needle%' order by started_at desc, id desc",
        [searchProject],
      )
    ).map((r) => r.id);
    expect(expected).toHaveLength(11);
    const onePage = await listTraces(handle.db, searchProject, { limit: 50, q: "needle" });
    expect(onePage.rows.map((r) => r.id)).toEqual(expected);
    expect(onePage.nextCursor).toBeNull();
    const paged: string[] = [];
    let cursor: { startedAt: Date; id: string } | undefined;
    for (;;) {
      const page = await listTraces(handle.db, searchProject, { limit: 3, q: "needle", cursor });
      paged.push(...page.rows.map((r) => r.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(paged).toEqual(expected);
    const older = await listTraces(handle.db, searchProject, { limit: 50, q: "needle", to: new Date(BASE - 3000 * 1000) });
    expect(older.rows.map((r) => r.id)).toEqual(expected.slice(7));
  });

  it("finds similar traces, near-duplicates and matched model pairs through pgvector", async () => {
    const model = await ensureEmbeddingModel(handle, "test-3d", 3);
    const rows = await handle.query<{ id: string; model: string; started_at: Date; prompt_text: string }>(
      "select id, model, started_at, prompt_text from traces where project_id = $1 order by started_at",
      [projectId],
    );
    // Vectors by prompt text: identical questions point the same way.
    const direction = (text: string) => {
      const k = Number(text.split(" ")[1] ?? 0);
      return [Math.cos(k), Math.sin(k), 0.1 * k];
    };
    for (const r of rows) {
      await handle.query(
        "insert into embeddings (project_id, trace_id, kind, model_id, embedding, started_at) values ($1, $2, 'prompt', $3, $4::vector, $5)",
        [projectId, r.id, model.id, `[${direction(r.prompt_text).join(",")}]`, r.started_at],
      );
    }
    const target0 = rows.find((r) => r.prompt_text === "question 2")!;
    const similar = await similarTraces(handle, projectId, target0.id, { k: 5, which: "prompt" });
    expect(similar.model).toBe("test-3d");
    expect(similar.data).toHaveLength(5);
    expect(similar.data.every((s) => s.text === "question 2" && s.distance < 1e-6)).toBe(true);

    const dup = await getNearDuplicates(handle.db, projectId, period);
    // Evenly spaced instants over 48 h land on the few bursts of this data: a handful of distinct prompts.
    expect(dup.sampled).toBeGreaterThanOrEqual(3);
    expect(dup.share).toBeGreaterThan(0);
    expect(dup.estimatedSavingUsd).toBeGreaterThan(0);
    expect(dup.previous).toEqual({ sampled: 0, share: null });

    const matched = await getMatchedComparison(handle.db, projectId, period);
    expect(matched.pairs.length).toBe(1);
    expect(matched.pairs[0]).toMatchObject({ a: "gpt-4o", b: "gpt-4o-mini" });
    expect(matched.pairs[0]!.costUsdA).toBeCloseTo(0.01, 9);
    expect(matched.pairs[0]!.costUsdB).toBeCloseTo(0.001, 9);
  });

  it("deletes traces past the project's retention in batches and the rollups follow", async () => {
    await handle.query("update projects set retention_days = 1 where id = $1", [projectId]);
    let deleted = 0;
    for (;;) {
      const batch = await runRetentionBatch(handle, { batchSize: 20, now: new Date(BASE + 3 * 24 * H) });
      deleted += batch.deleted;
      if (batch.deleted === 0) break;
    }
    expect(deleted).toBeGreaterThan(80);
    await drainRollups(handle.db);
    const [row] = await handle.query<{ n: number }>("select count(*)::int as n from hourly_rollups where project_id = $1", [projectId]);
    expect(row!.n).toBe(0);
  });
});
