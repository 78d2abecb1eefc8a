import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import type { GenerationFields, ScoreFields, TraceFields } from "@/lib/ingest/langfuse/events";
import { generationToTrace } from "@/lib/ingest/langfuse/map-generation";
import type { RedactionOptions } from "@/lib/ingest/redact";
import { prepare } from "@/lib/services/traces/ingest";
import { pricerFor, recordTraces, toRow } from "@/lib/services/traces/record-traces";
import { upsertScores, type ScoreRow } from "@/lib/services/scores/upsert-scores";

export type Tx = Pick<Database, "execute" | "select">;

export async function rows<T>(db: Tx, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/**
 * Takes the row lock of each Langfuse trace a request touches, before any
 * generation's: every writer of a trace's generations and every trace-level
 * score of it then take turns, in one order (by id), so a score is never
 * staged on a trace whose generation another request is writing at that
 * moment, and no two requests deadlock. `create` rows are made if missing;
 * `existing` ones (a score's trace) only locked, so an unknown trace stays
 * unknown.
 */
export async function lockLangfuseTraces(tx: Tx, projectId: string, create: string[], existing: string[]): Promise<void> {
  const made = [...new Set(create)].sort();
  if (made.length > 0) {
    await tx.execute(sql`insert into langfuse_traces (project_id, id) select ${projectId}::uuid, u.id from unnest(${sql.param(made)}::text[]) as u(id)
      order by u.id on conflict do nothing`);
  }
  const all = [...new Set([...made, ...existing])].sort();
  if (all.length > 0) {
    await tx.execute(sql`select id from langfuse_traces where project_id = ${projectId}::uuid and id = any(${sql.param(all)}::text[]) order by id for update`);
  }
}

export type GenerationRow = {
  id: string;
  trace_id: string;
  fields: GenerationFields;
  scores: ScoreFields[];
  written_trace_id: string | null;
};

export type WriteContext = { projectId: string; redaction: RedactionOptions; now?: () => number };

/** What became of a generation asked to be written: its trace, or why it could not be stored. */
export type WriteOutcome = { id: string; traceId: string } | { id: string; conflict: string };

export const scoreRowOf = (traceId: string, s: ScoreFields): ScoreRow => ({
  traceId,
  name: s.name,
  value: s.value,
  source: s.source,
  externalId: s.id,
  comment: s.comment,
});

/**
 * Writes staged generations as Driftline traces — each the first time through
 * recordTraces (so its prompt and response join the embedding backlog once,
 * with the rest of ingest), later by updating the row in place — then gives
 * each its trace-level and own scores. Rows must be locked by the caller.
 *
 * A later event that changes a written trace's prompt or response (rare: the
 * generation is written once it has ended) replaces its embeddings: they are
 * deleted and the text is queued again, in this transaction.
 */
export async function writeGenerations(tx: Tx, ctx: WriteContext, generations: GenerationRow[]): Promise<WriteOutcome[]> {
  if (generations.length === 0) return [];
  const traceIds = [...new Set(generations.map((g) => g.trace_id))].sort();
  // Locked, so a trace-level score committing meanwhile is either seen here or sees this trace written.
  await lockLangfuseTraces(tx, ctx.projectId, traceIds, []);
  const traceRows = await rows<{ id: string; fields: TraceFields; scores: ScoreFields[] }>(
    tx,
    sql`select id, fields, scores from langfuse_traces where project_id = ${ctx.projectId}::uuid and id = any(${sql.param(traceIds)}::text[])`,
  );
  const traceById = new Map(traceRows.map((t) => [t.id, t]));
  const mapped = generations.map((g) => ({
    g,
    trace: prepare(generationToTrace({ id: g.id, traceId: g.trace_id, fields: g.fields }, traceById.get(g.trace_id)?.fields ?? null, ctx.now), ctx.redaction),
  }));

  const fresh = mapped.filter((m) => !m.g.written_trace_id);
  const written = new Map<string, string>();
  const conflicts = new Map<string, string>();
  const outcomes = await recordTraces(tx as Database, { projectId: ctx.projectId, traces: fresh.map((m) => m.trace), scoreSource: "api" });
  const duplicates: string[] = [];
  outcomes.forEach((o, i) => {
    if (o.traceId) written.set(fresh[i]!.g.id, o.traceId);
    else duplicates.push(fresh[i]!.g.id);
  });
  if (duplicates.length > 0) {
    // The id is taken: by this generation (its staging row was cleared, or a concurrent request wrote it)
    // — adopted and refreshed — or by a trace sent another way, which is never overwritten.
    const existing = await rows<{ id: string; external_id: string; observation_id: string | null }>(
      tx,
      sql`select id, external_id, metadata->'langfuse'->>'observationId' as observation_id from traces
           where project_id = ${ctx.projectId}::uuid and external_id = any(${sql.param(duplicates)}::text[])`,
    );
    for (const row of existing) {
      if (row.observation_id === row.external_id) written.set(row.external_id, row.id);
      else conflicts.set(row.external_id, `the id ${JSON.stringify(row.external_id)} is already used by a trace sent through another door`);
    }
  }
  const refresh = mapped.filter((m) => m.g.written_trace_id || (duplicates.includes(m.g.id) && written.has(m.g.id)));
  // A refreshed generation is priced again, as its tokens or model may have arrived with a later event.
  const price = await pricerFor(tx, ctx.projectId, refresh.map((m) => m.trace));
  for (const m of refresh) {
    await refreshTrace(tx, ctx.projectId, m.g.written_trace_id ?? written.get(m.g.id)!, toRow(ctx.projectId, m.trace, price(m.trace)));
  }

  const newlyWritten = fresh.filter((m) => written.has(m.g.id));
  if (newlyWritten.length > 0) {
    await tx.execute(sql`update langfuse_generations l set written_trace_id = u.trace_id, updated_at = now()
      from unnest(${sql.param(newlyWritten.map((m) => m.g.id))}::text[], ${sql.param(newlyWritten.map((m) => written.get(m.g.id)!))}::uuid[]) as u(id, trace_id)
      where l.project_id = ${ctx.projectId}::uuid and l.id = u.id`);
    const scores = newlyWritten.flatMap((m) => {
      const traceId = written.get(m.g.id)!;
      // The trace's scores, and those that named this generation before it was staged.
      const traceScores = (traceById.get(m.g.trace_id)?.scores ?? []).filter((s) => !s.observationId || s.observationId === m.g.id);
      return [...traceScores, ...m.g.scores].map((s) => scoreRowOf(traceId, s));
    });
    await upsertScores(tx, ctx.projectId, scores);
  }
  return generations.map((g) => {
    const conflict = conflicts.get(g.id);
    if (conflict) return { id: g.id, conflict };
    return { id: g.id, traceId: g.written_trace_id ?? written.get(g.id)! };
  });
}

type Row = ReturnType<typeof toRow>;

/** Updates a written trace in place when anything changed; a changed prompt or response is embedded again. */
async function refreshTrace(tx: Tx, projectId: string, traceId: string, r: Row): Promise<void> {
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  const changed = await rows<{ prompt_changed: boolean; response_changed: boolean; prompt_text: string | null; response_text: string | null }>(
    tx,
    sql`with old as (select id, prompt_text, response_text from traces where project_id = ${projectId}::uuid and id = ${traceId}::uuid for update)
      update traces t set started_at = ${(r.startedAt as Date).toISOString()}::timestamptz, provider = ${r.provider ?? null},
        model = ${r.model ?? null}, model_version = ${r.modelVersion ?? null}, route = ${r.route ?? null},
        prompt = ${json(r.prompt)}::jsonb, response = ${json(r.response)}::jsonb, prompt_text = ${r.promptText ?? null},
        response_text = ${r.responseText ?? null}, latency_ms = ${r.latencyMs ?? null}::float8, ttft_ms = ${r.ttftMs ?? null}::float8,
        input_tokens = ${r.inputTokens ?? null}::int4, output_tokens = ${r.outputTokens ?? null}::int4,
        cached_input_tokens = ${r.cachedInputTokens ?? null}::int4, reasoning_tokens = ${r.reasoningTokens ?? null}::int4,
        cost_usd = ${r.costUsd ?? null}::numeric, cost_source = ${r.costSource ?? null}::cost_source,
        price_table_version = ${r.priceTableVersion ?? null}, status = ${r.status ?? "ok"}::trace_status, error = ${r.error ?? null},
        finish_reason = ${r.finishReason ?? null}, refused = ${r.refused ?? false}, user_id = ${r.userId ?? null},
        session_id = ${r.sessionId ?? null}, tags = array(select jsonb_array_elements_text(${json(r.tags ?? [])}::jsonb)),
        metadata = ${json(r.metadata ?? {})}::jsonb
      from old
      where t.project_id = ${projectId}::uuid and t.id = old.id
        and (t.started_at, t.provider, t.model, t.model_version, t.route, t.prompt, t.response, t.latency_ms, t.ttft_ms,
             t.input_tokens, t.output_tokens, t.cached_input_tokens, t.reasoning_tokens, t.cost_usd, t.cost_source, t.status, t.error, t.finish_reason, t.refused, t.user_id,
             t.session_id, t.tags, t.metadata)
            is distinct from
            (${(r.startedAt as Date).toISOString()}::timestamptz, ${r.provider ?? null}, ${r.model ?? null}, ${r.modelVersion ?? null},
             ${r.route ?? null}, ${json(r.prompt)}::jsonb, ${json(r.response)}::jsonb, ${r.latencyMs ?? null}::float8,
             ${r.ttftMs ?? null}::float8, ${r.inputTokens ?? null}::int4, ${r.outputTokens ?? null}::int4,
             ${r.cachedInputTokens ?? null}::int4, ${r.reasoningTokens ?? null}::int4,
             ${r.costUsd ?? null}::numeric, ${r.costSource ?? null}::cost_source, ${r.status ?? "ok"}::trace_status, ${r.error ?? null}, ${r.finishReason ?? null},
             ${r.refused ?? false}, ${r.userId ?? null}, ${r.sessionId ?? null},
             array(select jsonb_array_elements_text(${json(r.tags ?? [])}::jsonb)), ${json(r.metadata ?? {})}::jsonb)
      returning old.prompt_text is distinct from t.prompt_text as prompt_changed,
                old.response_text is distinct from t.response_text as response_changed, t.prompt_text, t.response_text`,
  );
  const row = changed[0];
  if (!row) return;
  // The key's start follows the trace's (it may have moved to another partition): retention finds keys by it.
  await tx.execute(sql`update trace_keys set started_at = ${(r.startedAt as Date).toISOString()}::timestamptz
    where project_id = ${projectId}::uuid and id = ${traceId}::uuid and started_at is distinct from ${(r.startedAt as Date).toISOString()}::timestamptz`);
  for (const kind of ["prompt", "response"] as const) {
    if (!row[`${kind}_changed`]) continue;
    await tx.execute(sql`delete from embeddings where project_id = ${projectId}::uuid and trace_id = ${traceId}::uuid and kind = ${kind}::embedded_text`);
    if (row[`${kind}_text`]?.trim()) {
      await tx.execute(sql`insert into embedding_backlog (project_id, trace_id, kind) values (${projectId}::uuid, ${traceId}::uuid, ${kind}::embedded_text)
        on conflict (project_id, trace_id, kind) do update
          set attempts = 0, next_attempt_at = now(), locked_until = null, last_error = null, failed_at = null, created_at = now()`);
    } else {
      await tx.execute(sql`delete from embedding_backlog where project_id = ${projectId}::uuid and trace_id = ${traceId}::uuid and kind = ${kind}::embedded_text`);
    }
  }
}
