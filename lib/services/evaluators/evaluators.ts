import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { datasets, evaluators, evaluatorVersions, llmConnections } from "@/db/schema";
import type { EvaluatorKind } from "@/lib/evals/evaluator";
import { getEvaluator, type EvaluatorView } from "@/lib/queries/evaluators";
import { authorize, type ServiceContext } from "@/lib/services/context";
import { isUniqueViolation } from "@/lib/services/unique-violation";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { EVALUATOR_MATCHES_TRACE } from "./evaluator-sql";
import { parseCreateEvaluator, parseUpdateEvaluator } from "./evaluator-input";


async function assertDataset(db: Database, projectId: string, datasetId: string | null | undefined): Promise<void> {
  if (!datasetId) return;
  const [found] = await db.select({ id: datasets.id }).from(datasets).where(and(eq(datasets.projectId, projectId), eq(datasets.id, datasetId)));
  if (!found) throw new ValidationError([{ path: "datasetId", message: "is not a dataset of this project" }]);
}

/** JSON with every object's keys sorted: equal for equal values, whatever order their keys were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** An llm_judge names one of the project's LLM connections. */
async function assertConnection(db: Database, projectId: string, settings: unknown): Promise<void> {
  const connectionId = (settings as { connectionId?: unknown } | undefined)?.connectionId;
  if (typeof connectionId !== "string") return;
  const [found] = await db
    .select({ id: llmConnections.id })
    .from(llmConnections)
    .where(and(eq(llmConnections.projectId, projectId), eq(llmConnections.id, connectionId)));
  if (!found) throw new ValidationError([{ path: "settings.connectionId", message: "is not an LLM connection of this project" }]);
}

/**
 * Creates an evaluator (version 1). It scores traces that arrive from now on;
 * stored history is scored by a backfill (`backfillEvaluator`, the page's
 * "Backfill" button, `npx driftline evals backfill`).
 */
export async function createEvaluator({ ctx, input }: { ctx: ServiceContext; input: unknown }): Promise<EvaluatorView> {
  authorize(ctx.actor, "evals.write");
  const data = parseCreateEvaluator(input);
  await assertDataset(ctx.db, data.projectId, data.datasetId);
  if (data.kind === "llm_judge") await assertConnection(ctx.db, data.projectId, data.parsedSettings);
  try {
    const id = await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(evaluators)
        .values({
          projectId: data.projectId,
          name: data.name,
          kind: data.kind,
          settings: data.parsedSettings,
          segment: data.segment,
          sampleRate: data.sampleRate,
          datasetId: data.datasetId ?? null,
          threshold: data.threshold ?? null,
          status: data.paused ? "paused" : "enabled",
          pausedReason: data.paused ? "created paused" : null,
        })
        .returning({ id: evaluators.id });
      await tx.insert(evaluatorVersions).values({ projectId: data.projectId, evaluatorId: row!.id, version: 1, kind: data.kind, settings: data.parsedSettings, datasetId: data.datasetId ?? null });
      return row!.id;
    });
    return (await getEvaluator(ctx.db, data.projectId, id))!;
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("An evaluator with this name exists in the project");
    throw error;
  }
}

/**
 * Changes an evaluator. A change of its settings or golden set starts a new
 * version (scores written before keep theirs); name, segment, sample rate,
 * threshold and pausing do not.
 */
export async function updateEvaluator({ ctx, input }: { ctx: ServiceContext; input: { projectId: string; evaluatorId: string } & Record<string, unknown> }): Promise<EvaluatorView> {
  authorize(ctx.actor, "evals.write");
  const [current] = await ctx.db
    .select()
    .from(evaluators)
    .where(and(eq(evaluators.projectId, input.projectId), eq(evaluators.id, String(input.evaluatorId))));
  if (!current) throw new NotFoundError("Evaluator");
  const data = parseUpdateEvaluator(input, current.kind as EvaluatorKind);
  if (data.datasetId !== undefined) await assertDataset(ctx.db, data.projectId, data.datasetId);
  if (current.kind === "llm_judge" && data.parsedSettings) await assertConnection(ctx.db, data.projectId, data.parsedSettings);
  // Compared with sorted keys (jsonb does not keep the order they were written in). A judge's limits decide how
  // fast it runs, not what it scores: changing them keeps the version.
  const limits = new Set(current.kind === "llm_judge" ? ["dailyCallCap", "dailyCostCapUsd", "concurrency", "timeoutMs"] : []);
  const scoring = (settings: unknown) => canonicalJson(Object.fromEntries(Object.entries(settings as Record<string, unknown>).filter(([key]) => !limits.has(key))));
  const settingsChanged = data.parsedSettings !== undefined && scoring(data.parsedSettings) !== scoring(current.settings);
  const datasetChanged = data.datasetId !== undefined && (data.datasetId ?? null) !== current.datasetId;
  const version = settingsChanged || datasetChanged ? current.version + 1 : current.version;
  try {
    await ctx.db.transaction(async (tx) => {
      await tx
        .update(evaluators)
        .set({
          ...(data.name !== undefined ? { name: data.name } : {}),
          ...(data.parsedSettings !== undefined ? { settings: data.parsedSettings } : {}),
          ...(data.segment !== undefined ? { segment: data.segment } : {}),
          ...(data.sampleRate !== undefined ? { sampleRate: data.sampleRate } : {}),
          ...(data.datasetId !== undefined ? { datasetId: data.datasetId ?? null } : {}),
          ...(data.threshold !== undefined ? { threshold: data.threshold ?? null } : {}),
          ...(data.paused !== undefined ? { status: data.paused ? ("paused" as const) : ("enabled" as const), pausedReason: data.paused ? "paused by a user" : null, pausedUntil: null } : {}),
          version,
          updatedAt: new Date(),
        })
        .where(and(eq(evaluators.projectId, data.projectId), eq(evaluators.id, current.id)));
      if (version !== current.version) {
        await tx.insert(evaluatorVersions).values({
          projectId: data.projectId,
          evaluatorId: current.id,
          version,
          kind: current.kind,
          settings: data.parsedSettings ?? current.settings,
          datasetId: data.datasetId !== undefined ? (data.datasetId ?? null) : current.datasetId,
        });
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("An evaluator with this name exists in the project");
    throw error;
  }
  return (await getEvaluator(ctx.db, data.projectId, current.id))!;
}

/** Deletes an evaluator and its backlog; the scores it wrote stay on their traces. */
export async function deleteEvaluator({ ctx, input }: { ctx: ServiceContext; input: { projectId: string; evaluatorId: string } }): Promise<void> {
  authorize(ctx.actor, "evals.write");
  const deleted = await ctx.db
    .delete(evaluators)
    .where(and(eq(evaluators.projectId, input.projectId), eq(evaluators.id, input.evaluatorId)))
    .returning({ id: evaluators.id });
  if (deleted.length === 0) throw new NotFoundError("Evaluator");
}

/**
 * Queues stored traces (since `since`, when given) of the evaluator's segment
 * and sample that it has not scored yet: each is scored once, whatever runs
 * the backfill again or crashes mid-way. Returns how many were queued.
 */
export async function backfillEvaluator({ ctx, input }: { ctx: ServiceContext; input: { projectId: string; evaluatorId: string; since?: Date | null } }): Promise<{ queued: number }> {
  authorize(ctx.actor, "evals.write");
  const [current] = await ctx.db
    .select({ id: evaluators.id })
    .from(evaluators)
    .where(and(eq(evaluators.projectId, input.projectId), eq(evaluators.id, input.evaluatorId)));
  if (!current) throw new NotFoundError("Evaluator");
  const result = await ctx.db.execute(sql`
    with queued as (
    insert into eval_backlog (project_id, trace_id, evaluator_id)
    select t.project_id, t.id, e.id
      from evaluators e join traces t on t.project_id = e.project_id
     where e.project_id = ${input.projectId}::uuid and e.id = ${input.evaluatorId}::uuid
       ${input.since ? sql`and t.started_at >= ${input.since.toISOString()}::timestamptz` : sql``}
       and ${sql.raw(EVALUATOR_MATCHES_TRACE("e", "t"))}
       and not exists (select 1 from scores s where s.project_id = t.project_id and s.trace_id = t.id and s.evaluator_id = e.id)
    on conflict do nothing
    returning 1)
    select count(*)::int as queued from queued`);
  return { queued: Number((result as unknown as { rows: Array<{ queued: number }> }).rows[0]?.queued ?? 0) };
}
