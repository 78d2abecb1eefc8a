import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import type { NewTrace } from "@/db/schema";
import { isRefusal } from "@/lib/ingest/refusal";
import { promptToText, responseToText } from "@/lib/ingest/text";
import { createPricer, type PricedCost, type Pricer } from "@/lib/ingest/pricing";
import type { NormalizedTrace } from "@/lib/ingest/types";
import { loadPriceOverrides } from "@/lib/services/prices/price-overrides";

export type RecordOutcome = { externalId: string; status: "accepted" | "duplicate"; traceId?: string };

export function toRow(projectId: string, t: NormalizedTrace, cost: PricedCost | null): NewTrace {
  const responseText = responseToText(t.response);
  return {
    projectId,
    externalId: t.externalId,
    startedAt: t.timestamp,
    provider: t.provider,
    model: t.model,
    modelVersion: t.modelVersion,
    route: t.route,
    prompt: t.prompt,
    response: t.response,
    promptText: promptToText(t.prompt),
    responseText,
    latencyMs: t.latencyMs,
    ttftMs: t.ttftMs,
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    cachedInputTokens: t.cachedInputTokens ?? null,
    reasoningTokens: t.reasoningTokens ?? null,
    costUsd: cost?.costUsd ?? null,
    costSource: cost?.source ?? null,
    priceTableVersion: cost?.tableVersion ?? null,
    status: t.status,
    error: t.error,
    finishReason: t.finishReason,
    refused: t.status === "ok" && isRefusal(responseText, t.finishReason),
    userId: t.userId,
    sessionId: t.sessionId,
    tags: t.tags,
    metadata: t.metadata,
    expectedOutput: t.expectedOutput ?? null,
    contexts: t.contexts?.length ? t.contexts : null,
  };
}

/** A call the price step can work on: no cost from the client, both token counts and a model. */
function needsPrice(t: NormalizedTrace): boolean {
  return t.costUsd === null && t.inputTokens !== null && t.outputTokens !== null && (t.model !== null || t.modelVersion !== null);
}

/**
 * The pricer for this batch: the project's overrides are read (at most once a
 * second per process) only when some trace needs a price.
 */
export async function pricerFor(db: Pick<Database, "select">, projectId: string, traces: readonly NormalizedTrace[]): Promise<Pricer> {
  return createPricer(traces.some(needsPrice) ? await loadPriceOverrides(db, projectId) : []);
}

/**
 * Stores a batch of validated traces and their scores in one statement.
 * Each trace's cost is the client's, or priced here from the project's
 * overrides and the price table (lib/ingest/pricing.ts); its source is kept.
 * Idempotent on the client's id: a trace whose id the project has seen before
 * (in an earlier request or earlier in this batch) is reported as a duplicate
 * and stored once. Returns one outcome per input, in order.
 */
export async function recordTraces(
  db: Database,
  input: { projectId: string; traces: NormalizedTrace[]; scoreSource?: string },
): Promise<RecordOutcome[]> {
  const { projectId } = input;
  const firstIndex = new Map<string, number>();
  input.traces.forEach((t, i) => {
    if (!firstIndex.has(t.externalId)) firstIndex.set(t.externalId, i);
  });
  // Inserted in one fixed order (by id): two batches that share ids in different orders would otherwise
  // each wait on the other's uncommitted row of the unique index, a deadlock that failed one of them.
  const unique = [...firstIndex.values()]
    .map((i) => input.traces[i]!)
    .sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  const insertedIds = new Map<string, string>();

  if (unique.length > 0) {
    const price = await pricerFor(db, projectId, unique);
    const rows = unique.map((t) => toRow(projectId, t, price(t)));
    // One statement with one array parameter per column (unnest): PostgreSQL
    // parses and plans it once however large the batch, no batch comes near
    // the bind-parameter limit, and the traces, their scores and their
    // embedding-backlog rows are written atomically in a single round trip.
    // Scores and backlog rows join the traces actually inserted, so a
    // duplicate trace adds nothing.
    const col = <T>(pick: (r: NewTrace) => T) => sql.param(rows.map(pick));
    const json = (pick: (r: NewTrace) => unknown) =>
      sql.param(
        rows.map((r) => {
          const value = pick(r);
          return value === null || value === undefined ? null : JSON.stringify(value);
        }),
      );
    const scoreRows = unique.flatMap((t) => Object.entries(t.scores).map(([name, value]) => ({ externalId: t.externalId, name, value })));
    const backlog = rows.flatMap((r) => {
      const kinds: Array<"prompt" | "response"> = [];
      if (r.promptText?.trim()) kinds.push("prompt");
      if (r.responseText?.trim()) kinds.push("response");
      return kinds.map((kind) => ({ externalId: r.externalId, kind }));
    });
    const result = await db.execute(sql`
      with keyed as (
        -- The client's id is unique across every partition of traces in trace_keys: only a trace whose key
        -- is new here is written (a concurrent batch with the same id waits on the key, then skips it).
        -- A trace stored while the project has an enabled evaluator is flagged for the evaluation job, which
        -- queues it for the evaluators whose segment and sample take it (lib/jobs/eval-arrivals.ts).
        insert into trace_keys (project_id, external_id, started_at, eval_pending)
        select ${projectId}::uuid, k.external_id, k.started_at,
               exists (select 1 from evaluators e where e.project_id = ${projectId}::uuid and e.status = 'enabled')
        from unnest(${col((r) => r.externalId)}::text[], ${col((r) => (r.startedAt as Date).toISOString())}::timestamptz[])
          as k(external_id, started_at)
        on conflict (project_id, external_id) do nothing
        returning id, external_id
      ),
      inserted as (
        insert into traces (project_id, id, external_id, started_at, provider, model, model_version, route, prompt, response,
          prompt_text, response_text, latency_ms, ttft_ms, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens,
          cost_usd, cost_source, price_table_version, status, error, finish_reason, refused, user_id, session_id, tags, metadata,
          expected_output, contexts)
        select ${projectId}::uuid, keyed.id, u.external_id, u.started_at, u.provider, u.model, u.model_version, u.route, u.prompt,
          u.response, u.prompt_text, u.response_text, u.latency_ms, u.ttft_ms, u.input_tokens, u.output_tokens,
          u.cached_input_tokens, u.reasoning_tokens, u.cost_usd, u.cost_source::cost_source, u.price_table_version,
          u.status::trace_status, u.error, u.finish_reason, u.refused, u.user_id, u.session_id,
          array(select jsonb_array_elements_text(u.tags)), u.metadata, u.expected_output, u.contexts
        from unnest(
          ${col((r) => r.externalId)}::text[], ${col((r) => (r.startedAt as Date).toISOString())}::timestamptz[],
          ${col((r) => r.provider ?? null)}::text[], ${col((r) => r.model ?? null)}::text[],
          ${col((r) => r.modelVersion ?? null)}::text[], ${col((r) => r.route ?? null)}::text[],
          ${json((r) => r.prompt)}::jsonb[], ${json((r) => r.response)}::jsonb[],
          ${col((r) => r.promptText ?? null)}::text[], ${col((r) => r.responseText ?? null)}::text[],
          ${col((r) => r.latencyMs ?? null)}::float8[], ${col((r) => r.ttftMs ?? null)}::float8[],
          ${col((r) => r.inputTokens ?? null)}::int4[], ${col((r) => r.outputTokens ?? null)}::int4[],
          ${col((r) => r.cachedInputTokens ?? null)}::int4[], ${col((r) => r.reasoningTokens ?? null)}::int4[],
          ${col((r) => r.costUsd ?? null)}::numeric[], ${col((r) => r.costSource ?? null)}::text[],
          ${col((r) => r.priceTableVersion ?? null)}::text[], ${col((r) => r.status ?? "ok")}::text[],
          ${col((r) => r.error ?? null)}::text[], ${col((r) => r.finishReason ?? null)}::text[],
          ${col((r) => r.refused ?? false)}::bool[], ${col((r) => r.userId ?? null)}::text[],
          ${col((r) => r.sessionId ?? null)}::text[], ${json((r) => r.tags ?? [])}::jsonb[],
          ${json((r) => r.metadata ?? {})}::jsonb[], ${col((r) => r.expectedOutput ?? null)}::text[], ${json((r) => r.contexts ?? null)}::jsonb[]
        ) as u(external_id, started_at, provider, model, model_version, route, prompt, response, prompt_text,
               response_text, latency_ms, ttft_ms, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens,
               cost_usd, cost_source, price_table_version, status, error, finish_reason, refused, user_id, session_id,
               tags, metadata, expected_output, contexts)
        join keyed on keyed.external_id = u.external_id
        returning id, external_id, provider, model, model_version, started_at, route, tags
      ),
      new_versions as (
        -- The first trace of a model version never seen in the project nudges version-change detection
        -- (model_versions_seen); one row per version ever, so later batches only probe the key.
        insert into model_versions_seen (project_id, provider, model, model_version, first_seen_at)
        select ${projectId}::uuid, coalesce(i.provider, ''), coalesce(i.model, ''), i.model_version, min(i.started_at)
        from inserted i where i.model_version is not null
        group by 2, 3, 4 order by 2, 3, 4
        on conflict do nothing
      ),
      ${
        // Left out when the batch has no scores: even an insert of no rows fires the scores' statement trigger
        // (0.4 ms of a one-span OTLP export on PGlite).
        scoreRows.length === 0
          ? sql``
          : sql`new_scores as (
        insert into scores (project_id, trace_id, name, source, value)
        select ${projectId}::uuid, i.id, u.name, ${input.scoreSource ?? "sdk"}, u.value
        from unnest(${sql.param(scoreRows.map((r) => r.externalId))}::text[], ${sql.param(scoreRows.map((r) => r.name))}::text[],
                    ${sql.param(scoreRows.map((r) => r.value))}::float8[]) as u(external_id, name, value)
        join inserted i on i.external_id = u.external_id
      ),`
      }
      new_backlog as (
        -- Every stored prompt and response waits for the embedding job.
        insert into embedding_backlog (project_id, trace_id, kind)
        select ${projectId}::uuid, i.id, u.kind::embedded_text
        from unnest(${sql.param(backlog.map((b) => b.externalId))}::text[], ${sql.param(backlog.map((b) => b.kind))}::text[]) as u(external_id, kind)
        join inserted i on i.external_id = u.external_id
      )
      select id, encode(convert_to(external_id, 'UTF8'), 'hex') as external_id_hex from inserted`);
    // The id comes back as hex bytes, not text: PGlite decodes text values with a
    // TextDecoder that drops a leading U+FEFF, which made a new id starting with
    // one look like a duplicate.
    for (const row of (result as unknown as { rows: Array<{ id: string; external_id_hex: string }> }).rows) {
      insertedIds.set(Buffer.from(row.external_id_hex, "hex").toString("utf8"), row.id);
    }
  }

  const claimed = new Set<string>();
  return input.traces.map((t) => {
    const traceId = insertedIds.get(t.externalId);
    if (traceId && !claimed.has(t.externalId)) {
      claimed.add(t.externalId);
      return { externalId: t.externalId, status: "accepted", traceId };
    }
    return { externalId: t.externalId, status: "duplicate" };
  });
}
