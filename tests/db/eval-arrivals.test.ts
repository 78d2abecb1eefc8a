import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { queueArrivedTraces } from "@/lib/jobs/eval-arrivals";
import { evaluationWorkDue } from "@/lib/jobs/evaluate";
import { evaluationsPendingBefore } from "@/lib/monitors/pending-work";
import { backfillEvaluator, createEvaluator, updateEvaluator } from "@/lib/services/evaluators/evaluators";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { minimalTrace } from "../../testing/fixtures/trace";
import { dbTargets } from "./targets";

/**
 * Ingest flags a trace's key when its project has an enabled evaluator; the evaluation job turns the flag
 * into one backlog row per evaluator that takes the trace (lib/jobs/eval-arrivals.ts).
 */
for (const target of dbTargets()) {
  describe(`queueing new traces for evaluators on ${target.name}`, () => {
    let handle: DatabaseHandle & { dispose(): Promise<void> };
    const operator = () => ({ db: handle.db, actor: { kind: "operator" as const } });
    const newProject = async (slug: string) => (await handle.db.insert(projects).values({ slug, name: slug }).returning())[0]!.id;
    const flagged = async (projectId: string) =>
      (await handle.query<{ n: number }>("select count(*)::int as n from trace_keys where project_id = $1 and eval_pending", [projectId]))[0]!.n;
    const queuedFor = (projectId: string) =>
      handle.query<{ external_id: string; evaluator: string }>(
        `select t.external_id, e.name as evaluator from eval_backlog b
           join traces t on t.project_id = b.project_id and t.id = b.trace_id
           join evaluators e on e.project_id = b.project_id and e.id = b.evaluator_id
          where b.project_id = $1 order by 1, 2`,
        [projectId],
      );

    beforeAll(async () => {
      handle = await target.open();
    });
    afterAll(async () => {
      await handle.dispose();
    });

    it("flags nothing in a project without an enabled evaluator", async () => {
      const projectId = await newProject("no-evaluators");
      await createEvaluator({ ctx: operator(), input: { projectId, name: "paused", kind: "heuristic", paused: true } });
      await recordTraces(handle.db, { projectId, traces: [minimalTrace("a"), minimalTrace("b")] });
      expect(await flagged(projectId)).toBe(0);
    });

    it("queues each flagged trace once per evaluator that takes it, in batches, and clears the flag", async () => {
      const projectId = await newProject("arrivals");
      await createEvaluator({ ctx: operator(), input: { projectId, name: "all", kind: "heuristic" } });
      await createEvaluator({ ctx: operator(), input: { projectId, name: "cheap", kind: "heuristic", segment: { model: "cheap" } } });
      const late = await createEvaluator({ ctx: operator(), input: { projectId, name: "late", kind: "heuristic", paused: true } });
      await recordTraces(handle.db, {
        projectId,
        traces: [
          minimalTrace("t1", { model: "big", timestamp: new Date("2026-11-01T00:00:00Z") }),
          minimalTrace("t2", { model: "cheap", timestamp: new Date("2026-11-01T00:01:00Z") }),
          minimalTrace("t3", { model: "cheap", timestamp: new Date("2026-11-01T00:02:00Z") }),
        ],
      });
      // A repeated id is a duplicate: its key, and so its flag, stays the first trace's.
      await recordTraces(handle.db, { projectId, traces: [minimalTrace("t1", { model: "cheap" })] });
      expect(await flagged(projectId)).toBe(3);
      expect(await evaluationWorkDue(handle)).toBe(true);
      const horizon = new Date(Date.now() + 3_600_000);
      expect(await evaluationsPendingBefore(handle, projectId, horizon)).toBe(true);

      // An evaluator enabled between a trace's arrival and its queueing takes it too.
      await updateEvaluator({ ctx: operator(), input: { projectId, evaluatorId: late.id, paused: false } });
      // Oldest first: t1 (all, late) and t2 (all, cheap, late).
      expect(await queueArrivedTraces(handle, { limit: 2 })).toEqual({ traces: 2, queued: 5 });
      expect(await flagged(projectId)).toBe(1);
      expect(await queueArrivedTraces(handle, { limit: 10 })).toEqual({ traces: 1, queued: 3 });
      expect(await queueArrivedTraces(handle, { limit: 10 })).toEqual({ traces: 0, queued: 0 });
      expect(await queuedFor(projectId)).toEqual([
        { external_id: "t1", evaluator: "all" },
        { external_id: "t1", evaluator: "late" },
        { external_id: "t2", evaluator: "all" },
        { external_id: "t2", evaluator: "cheap" },
        { external_id: "t2", evaluator: "late" },
        { external_id: "t3", evaluator: "all" },
        { external_id: "t3", evaluator: "cheap" },
        { external_id: "t3", evaluator: "late" },
      ]);
      // Queued but not evaluated: windows before the horizon still wait for the backlog rows.
      expect(await evaluationsPendingBefore(handle, projectId, horizon)).toBe(true);
      await handle.query("delete from eval_backlog where project_id = $1", [projectId]);
      expect(await evaluationsPendingBefore(handle, projectId, horizon)).toBe(false);
    });

    it("does not queue a trace again for an evaluator a backfill already scored or queued", async () => {
      const projectId = await newProject("arrivals-backfill");
      const evaluator = await createEvaluator({ ctx: operator(), input: { projectId, name: "checks", kind: "heuristic" } });
      await recordTraces(handle.db, { projectId, traces: [minimalTrace("scored"), minimalTrace("queued"), minimalTrace("new")] });
      // A backfill ran before the job queued the arrivals: it queued all three; one was scored already.
      expect((await backfillEvaluator({ ctx: operator(), input: { projectId, evaluatorId: evaluator.id } })).queued).toBe(3);
      const [scored] = await handle.query<{ id: string }>("select id from traces where project_id = $1 and external_id = 'scored'", [projectId]);
      await handle.query("delete from eval_backlog where project_id = $1 and trace_id = $2", [projectId, scored!.id]);
      await handle.query(
        "insert into scores (project_id, trace_id, name, source, value, evaluator_id) values ($1, $2, 'checks.empty', 'eval', 0, $3)",
        [projectId, scored!.id, evaluator.id],
      );
      expect(await queueArrivedTraces(handle, { limit: 10 })).toEqual({ traces: 3, queued: 0 });
      expect((await queuedFor(projectId)).map((r) => r.external_id)).toEqual(["new", "queued"]);
    });

    it.runIf(target.name === "postgres")("two workers queue concurrent arrivals exactly once", async () => {
      const projectId = await newProject("arrivals-concurrent");
      await createEvaluator({ ctx: operator(), input: { projectId, name: "a", kind: "heuristic" } });
      await createEvaluator({ ctx: operator(), input: { projectId, name: "b", kind: "heuristic" } });
      const traces = Array.from({ length: 400 }, (_, i) => minimalTrace(`c${i}`));
      await recordTraces(handle.db, { projectId, traces });
      const runs = await Promise.all([0, 1, 2, 3].map(async () => {
        const total = { traces: 0, queued: 0 };
        for (;;) {
          const step = await queueArrivedTraces(handle, { limit: 37 });
          if (step.traces === 0) return total;
          total.traces += step.traces;
          total.queued += step.queued;
        }
      }));
      expect(runs.reduce((n, r) => n + r.traces, 0)).toBe(400);
      expect(runs.reduce((n, r) => n + r.queued, 0)).toBe(800);
      const [counts] = await handle.query<{ rows: number; pairs: number }>(
        "select count(*)::int as rows, count(distinct (trace_id, evaluator_id))::int as pairs from eval_backlog where project_id = $1",
        [projectId],
      );
      expect(counts).toEqual({ rows: 800, pairs: 800 });
      expect(await flagged(projectId)).toBe(0);
    });
  });
}
