import { sql } from "drizzle-orm";
import {
  IngestionBatchError,
  parseIngestionBatch,
  type GenerationFields,
  type IngestionEvent,
  type ScoreFields,
  type TraceFields,
} from "@/lib/ingest/langfuse/events";
import { checkGeneration, checkTraceFields } from "@/lib/ingest/langfuse/map-generation";
import { DEFAULT_FIELD_TIME, mergeFields, type Staged } from "@/lib/ingest/langfuse/merge";
import type { FieldError } from "@/lib/ingest/types";
import { PayloadError, UnavailableError, payloadProblemOf } from "@/lib/errors";
import { upsertScores } from "@/lib/services/scores/upsert-scores";
import type { IngestContext } from "@/lib/services/traces/ingest";
import { lockLangfuseTraces, rows, scoreRowOf, writeGenerations, type GenerationRow, type Tx } from "./write-generations";

/** Langfuse's multi-status answer: every event is in one of the two lists. */
export type IngestionResponse = {
  successes: Array<{ id: string; status: number }>;
  errors: Array<{ id: string; status: number; message: string; error?: FieldError[] }>;
};

type EventFailure = { status: number; errors: FieldError[] };


/**
 * `POST /api/public/ingestion`: stages each trace and generation event, writes
 * every generation that has ended as one Driftline trace (refreshing the ones
 * written before when later events change them), and attaches scores — all
 * in one transaction, so an event is acknowledged only once it is committed,
 * and a failure stores nothing of the request (the SDK retries it whole).
 * Design and mapping: docs/ingest.md, "Langfuse ingestion API".
 */
export async function ingestLangfuseBatch(ctx: IngestContext & { now?: () => number }, body: unknown): Promise<IngestionResponse> {
  let parsed;
  try {
    parsed = parseIngestionBatch(body);
  } catch (error) {
    if (error instanceof IngestionBatchError) throw new PayloadError(payloadProblemOf(error.status), error.message, error.errors);
    throw error;
  }
  const failures = new Map<number, EventFailure>();
  for (const e of parsed.errors) failures.set(e.index, { status: 400, errors: e.errors });
  const events: IngestionEvent[] = [];
  const seenEventIds = new Set<string>();
  for (const event of parsed.events) {
    const bodyPath = `batch[${event.index}].body`;
    const problems =
      event.kind === "trace"
        ? checkTraceFields(event.fields, bodyPath)
        : event.kind === "generation"
          ? checkGeneration({ id: event.id, traceId: event.fields.traceId ?? event.id, fields: event.fields }, bodyPath, ctx.now)
          : [];
    if (problems.length > 0) failures.set(event.index, { status: 400, errors: problems });
    // The same event twice in one request is applied once (Langfuse deduplicates on the event id too).
    else if (!seenEventIds.has(`${event.type}\u0000${event.eventId}`)) {
      seenEventIds.add(`${event.type}\u0000${event.eventId}`);
      events.push(event);
    }
  }

  try {
    await ctx.db.transaction(async (tx) => {
      await lockLangfuseTraces(
        tx,
        ctx.projectId,
        events.flatMap((e) =>
          e.kind === "trace" ? [e.id] : e.kind === "generation" ? [e.fields.traceId ?? e.id] : e.kind === "score" && e.score.traceId ? [e.score.traceId] : [],
        ),
        [],
      );
      const changedTraces = await stageTraces(tx, ctx.projectId, events);
      const generations = await stageGenerations(tx, ctx.projectId, events);
      const due = [...generations.values()].filter((g) => g.changed && (g.row.written_trace_id || g.row.fields.endTime));
      // Trace-level fields that changed reach the generations already written.
      const refreshed = await rows<GenerationRow>(
        tx,
        sql`select id, trace_id, fields, scores, written_trace_id from langfuse_generations
             where project_id = ${ctx.projectId}::uuid and trace_id = any(${sql.param([...changedTraces])}::text[])
               and written_trace_id is not null and not (id = any(${sql.param(due.map((g) => g.row.id))}::text[]))
             order by id for update`,
      );
      const outcomes = await writeGenerations(tx, ctx, [...due.map((g) => g.row), ...refreshed]);
      for (const outcome of outcomes) {
        if (!("conflict" in outcome)) continue;
        for (const index of generations.get(outcome.id)?.indexes ?? []) {
          failures.set(index, { status: 409, errors: [{ path: `batch[${index}].body.id`, message: outcome.conflict }] });
        }
      }
      for (const event of events) {
        if (event.kind !== "score") continue;
        const failure = await attachScore(tx, ctx.projectId, event.score, `batch[${event.index}].body`);
        if (failure) failures.set(event.index, failure);
      }
    });
  } catch (error) {
    console.error("[driftline] langfuse ingestion: storing a batch failed:", error instanceof Error ? error.message : error);
    throw new UnavailableError("The database is unavailable; nothing of this batch was stored, retry later (a retry is safe: events are applied once)");
  }

  const response: IngestionResponse = { successes: [], errors: [] };
  const ids = new Map<number, string>([...parsed.errors.map((e) => [e.index, e.eventId] as const), ...parsed.events.map((e) => [e.index, e.eventId] as const)]);
  for (const [index, eventId] of [...ids.entries()].sort((a, b) => a[0] - b[0])) {
    const failure = failures.get(index);
    if (!failure) response.successes.push({ id: eventId, status: 201 });
    else {
      const first = failure.errors[0];
      const message = first ? `${first.path}: ${first.message}` : "Invalid event";
      response.errors.push({ id: eventId, status: failure.status, message, error: failure.errors });
    }
  }
  return response;
}

/** Inserts missing staging rows, locks them in id order (no deadlock between requests), merges, writes back. */
async function lockStaged<T extends { id: string; fields: Record<string, unknown>; field_times: Record<string, string> }>(
  tx: Tx,
  table: "langfuse_traces" | "langfuse_generations",
  projectId: string,
  seed: Array<{ id: string; traceId?: string }>,
  columns: ReturnType<typeof sql>,
): Promise<Map<string, T>> {
  const ids = [...new Set(seed.map((s) => s.id))].sort();
  if (ids.length === 0) return new Map();
  if (table === "langfuse_traces") {
    await tx.execute(sql`insert into langfuse_traces (project_id, id) select ${projectId}::uuid, u.id from unnest(${sql.param(ids)}::text[]) as u(id)
      order by u.id on conflict do nothing`);
  } else {
    const traceOf = new Map(seed.map((s) => [s.id, s.traceId ?? s.id]));
    await tx.execute(sql`insert into langfuse_generations (project_id, id, trace_id)
      select ${projectId}::uuid, u.id, u.trace_id from unnest(${sql.param(ids)}::text[], ${sql.param(ids.map((id) => traceOf.get(id)!))}::text[]) as u(id, trace_id)
      order by u.id on conflict do nothing`);
  }
  const locked = await rows<T>(
    tx,
    sql`select ${columns} from ${sql.identifier(table)} where project_id = ${projectId}::uuid and id = any(${sql.param(ids)}::text[]) order by id for update`,
  );
  return new Map(locked.map((r) => [r.id, r]));
}

async function stageTraces(tx: Tx, projectId: string, events: IngestionEvent[]): Promise<Set<string>> {
  const traceEvents = events.filter((e): e is Extract<IngestionEvent, { kind: "trace" }> => e.kind === "trace");
  type TraceRow = { id: string; fields: TraceFields & Record<string, unknown>; field_times: Record<string, string> };
  const locked = await lockStaged<TraceRow>(tx, "langfuse_traces", projectId, traceEvents, sql`id, fields, field_times`);
  const changed = new Set<string>();
  for (const event of traceEvents) {
    const row = locked.get(event.id)!;
    const merged = mergeFields({ fields: row.fields, times: row.field_times }, event.fields, event.timestamp);
    if (!merged.changed) continue;
    row.fields = merged.fields as TraceRow["fields"];
    row.field_times = merged.times;
    changed.add(event.id);
  }
  const updates = [...changed].map((id) => locked.get(id)!);
  if (updates.length > 0) {
    await tx.execute(sql`update langfuse_traces l set fields = u.fields, field_times = u.times, updated_at = now()
      from unnest(${sql.param(updates.map((u) => u.id))}::text[], ${sql.param(updates.map((u) => JSON.stringify(u.fields)))}::jsonb[],
                  ${sql.param(updates.map((u) => JSON.stringify(u.field_times)))}::jsonb[]) as u(id, fields, times)
      where l.project_id = ${projectId}::uuid and l.id = u.id`);
  }
  return changed;
}

type StagedGeneration = { row: GenerationRow; changed: boolean; indexes: number[] };

async function stageGenerations(tx: Tx, projectId: string, events: IngestionEvent[]): Promise<Map<string, StagedGeneration>> {
  const genEvents = events.filter((e): e is Extract<IngestionEvent, { kind: "generation" }> => e.kind === "generation");
  type Locked = GenerationRow & { fields: GenerationFields & Record<string, unknown>; field_times: Record<string, string> };
  const locked = await lockStaged<Locked>(
    tx,
    "langfuse_generations",
    projectId,
    genEvents.map((e) => ({ id: e.id, traceId: e.fields.traceId })),
    sql`id, trace_id, fields, field_times, scores, written_trace_id`,
  );
  const staged = new Map<string, StagedGeneration>();
  for (const event of genEvents) {
    const row = locked.get(event.id)!;
    const entry = staged.get(event.id) ?? { row, changed: false, indexes: [] };
    staged.set(event.id, entry);
    entry.indexes.push(event.index);
    let state: Staged = { fields: row.fields, times: row.field_times };
    // A create without a start time started when the SDK made the event; any start time sent wins.
    if (event.create && !event.fields.startTime) state = mergeFields(state, { startTime: event.timestamp }, DEFAULT_FIELD_TIME);
    const merged = mergeFields(state, event.fields as Record<string, unknown>, event.timestamp);
    if (JSON.stringify(merged.fields) === JSON.stringify(row.fields)) continue;
    row.fields = merged.fields as Locked["fields"];
    row.field_times = merged.times;
    row.trace_id = row.fields.traceId ?? row.trace_id;
    entry.changed = true;
  }
  const updates = [...staged.values()].filter((s) => s.changed).map((s) => s.row as Locked);
  if (updates.length > 0) {
    await tx.execute(sql`update langfuse_generations l set fields = u.fields, field_times = u.times, trace_id = u.trace_id, updated_at = now()
      from unnest(${sql.param(updates.map((u) => u.id))}::text[], ${sql.param(updates.map((u) => u.trace_id))}::text[],
                  ${sql.param(updates.map((u) => JSON.stringify(u.fields)))}::jsonb[],
                  ${sql.param(updates.map((u) => JSON.stringify(u.field_times)))}::jsonb[]) as u(id, trace_id, fields, times)
      where l.project_id = ${projectId}::uuid and l.id = u.id`);
  }
  return staged;
}

/** Adds a score to a staged list, replacing one of the same id, or of the same name, source and observation. */
function withScore(list: ScoreFields[], score: ScoreFields): ScoreFields[] {
  const same = (s: ScoreFields) =>
    (score.id !== null && s.id === score.id) || (s.name === score.name && s.source === score.source && s.observationId === score.observationId);
  return [...list.filter((s) => !same(s)), score];
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stored trace by Driftline's id or its external id: how an app scores traces it sent another way. */
async function storedTrace(tx: Tx, projectId: string, key: string): Promise<string | null> {
  const found = await rows<{ id: string }>(
    tx,
    UUID_TEXT.test(key)
      ? sql`select id from traces where project_id = ${projectId}::uuid and (id = ${key}::uuid or external_id = ${key}) limit 1`
      : sql`select id from traces where project_id = ${projectId}::uuid and external_id = ${key} limit 1`,
  );
  return found[0]?.id ?? null;
}

/**
 * A Langfuse score. By `observationId`: onto that generation's trace (waiting
 * in its staged row while it is open). By `traceId` alone: onto the trace of
 * every generation of that Langfuse trace, those written and those to come.
 * The SDKs send requests concurrently, so a score may arrive before the
 * generation it names: it is then kept with its Langfuse trace and given to
 * the generation when it is written. A traceId Langfuse never sent may be a
 * Driftline trace's id or external id (an app scoring traces it sent
 * natively). Only an observation-only score naming nothing known is a 404.
 */
async function attachScore(tx: Tx, projectId: string, score: ScoreFields, bodyPath: string): Promise<EventFailure | null> {
  if (score.observationId) {
    const [generation] = await rows<{ id: string; scores: ScoreFields[]; written_trace_id: string | null }>(
      tx,
      sql`select id, scores, written_trace_id from langfuse_generations where project_id = ${projectId}::uuid and id = ${score.observationId} for update`,
    );
    if (generation?.written_trace_id) {
      await upsertScores(tx, projectId, [scoreRowOf(generation.written_trace_id, score)]);
      return null;
    }
    if (generation) {
      await tx.execute(sql`update langfuse_generations set scores = ${JSON.stringify(withScore(generation.scores, score))}::jsonb, updated_at = now()
        where project_id = ${projectId}::uuid and id = ${generation.id}`);
      return null;
    }
    if (!score.traceId) {
      const traceId = await storedTrace(tx, projectId, score.observationId);
      if (traceId) {
        await upsertScores(tx, projectId, [scoreRowOf(traceId, score)]);
        return null;
      }
      return { status: 404, errors: [{ path: `${bodyPath}.observationId`, message: "no generation or trace with this observationId is known in this project; send its traceId too" }] };
    }
  }
  const key = score.traceId!;
  // Locked since the start of the request (lockLangfuseTraces): a request writing one of this trace's
  // generations holds the same lock, so the generations read next are as that request left them.
  const [trace] = await rows<{ scores: ScoreFields[] }>(
    tx,
    sql`select scores from langfuse_traces where project_id = ${projectId}::uuid and id = ${key} for update`,
  );
  const generations = await rows<{ written_trace_id: string | null }>(
    tx,
    sql`select written_trace_id from langfuse_generations where project_id = ${projectId}::uuid and trace_id = ${key}`,
  );
  if (generations.length === 0 && !score.observationId) {
    const traceId = await storedTrace(tx, projectId, key);
    if (traceId) {
      await upsertScores(tx, projectId, [scoreRowOf(traceId, score)]);
      return null;
    }
  }
  await tx.execute(sql`insert into langfuse_traces (project_id, id, scores) values (${projectId}::uuid, ${key}, ${JSON.stringify([score])}::jsonb)
    on conflict (project_id, id) do update set scores = ${JSON.stringify(withScore(trace?.scores ?? [], score))}::jsonb, updated_at = now()`);
  if (!score.observationId) {
    const written = generations.flatMap((g) => (g.written_trace_id ? [g.written_trace_id] : []));
    await upsertScores(tx, projectId, written.map((traceId) => scoreRowOf(traceId, score)));
  }
  return null;
}
