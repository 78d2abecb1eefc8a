import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { evaluatorUsesContexts } from "@/lib/evals/uses-contexts";
import { NATIVE_LIMITS } from "@/lib/ingest/native-schema";
import { CONTEXT_JOIN_WINDOW_MS, joinRetrievals, type Retrieval } from "@/lib/ingest/otlp/retrieval";
import { redactText, type RedactionOptions } from "@/lib/ingest/redact";
import type { RetrievedContext } from "@/lib/ingest/types";
import { EVALUATOR_MATCHES_TRACE } from "@/lib/services/evaluators/evaluator-sql";

/**
 * Retrieved documents joined to the LLM calls of the same OTel trace across
 * export requests (docs/ingest.md, "Retrieved contexts"). OTel SDKs batch
 * spans, so a retriever span and the LLM span after it are often exported in
 * different requests, in either order. Every retriever span's documents are
 * kept in `otlp_retrievals` for CONTEXT_JOIN_WINDOW_MS:
 *
 * - an LLM call stored later takes every kept document of its OTel trace;
 * - documents arriving after the call was stored (within the window) are
 *   written into the stored call's contexts, and the evaluators that read
 *   contexts are queued for it again, their earlier scores on it removed.
 *
 * All of it runs in the ingest transaction, after a lock per (project, OTel
 * trace id): two requests carrying the two halves of one trace take turns,
 * so the second always sees the first's rows and neither join is missed. On the
 * embedded PGlite, which runs one transaction at a time, the turns are given
 * and the lock is not taken (IngestContext.serialized).
 */

type Tx = Pick<Database, "execute">;

async function rows<T>(tx: Tx, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await tx.execute(query)) as unknown as { rows: T[] }).rows;
}

const windowSeconds = () => CONTEXT_JOIN_WINDOW_MS / 1000;

/**
 * Transaction-scoped advisory locks on the OTel trace ids, taken in one
 * order (sorted) so two requests never deadlock; released at commit.
 */
export async function lockOtelTraces(tx: Tx, projectId: string, otelTraceIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(otelTraceIds)].sort();
  if (ids.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${projectId}::text || '/' || u.id, 7301))
    from unnest(${sql.param(ids)}::text[]) with ordinality as u(id, n) order by u.n`);
}

/**
 * Per database (the key is its handle's `db` object), what is known of each project's kept retrievals:
 * `false`, none; `true`, there may be some. On globalThis, as Next.js loads route bundles as separate
 * module graphs. Only for a database that runs one transaction at a time and that no other process opens
 * (the embedded PGlite, db/client.ts): there nothing else can add a row between the check and the end of
 * the ingest transaction that relies on it.
 */
function keptKnown(db: object): Map<string, boolean> {
  const store = globalThis as typeof globalThis & { __driftlineKeptRetrievals?: WeakMap<object, Map<string, boolean>> };
  store.__driftlineKeptRetrievals ??= new WeakMap();
  let known = store.__driftlineKeptRetrievals.get(db);
  if (!known) store.__driftlineKeptRetrievals.set(db, (known = new Map()));
  return known;
}

/**
 * Whether the project may have kept retrievals on this serialized database: asked once per project and
 * process, then answered from memory — a project that never sent a retriever span (most) skips the read
 * of kept documents on every export. Call inside the ingest transaction.
 */
export async function mayHaveStagedRetrievals(db: object, tx: Tx, projectId: string): Promise<boolean> {
  const known = keptKnown(db);
  const cached = known.get(projectId);
  if (cached !== undefined) return cached;
  const [row] = await rows<{ kept: boolean }>(tx, sql`select exists (select 1 from otlp_retrievals where project_id = ${projectId}::uuid) as kept`);
  const kept = row?.kept === true;
  known.set(projectId, kept);
  return kept;
}

/** Marks a project as keeping retrievals on this serialized database; called before they are written. */
export function keptRetrievals(db: object, projectId: string): void {
  keptKnown(db).set(projectId, true);
}

/** The kept (not yet expired) retrievals of these OTel traces. */
export async function stagedRetrievals(tx: Tx, projectId: string, otelTraceIds: Iterable<string>): Promise<Retrieval[]> {
  const ids = [...new Set(otelTraceIds)];
  if (ids.length === 0) return [];
  const found = await rows<{ otel_trace_id: string; span_id: string; started_at: string | Date; documents: RetrievedContext[] }>(
    tx,
    sql`select otel_trace_id, span_id, started_at, documents from otlp_retrievals
         where project_id = ${projectId}::uuid and otel_trace_id = any(${sql.param(ids)}::text[])
           and received_at > now() - make_interval(secs => ${windowSeconds()})`,
  );
  return found.map((r) => ({ traceId: r.otel_trace_id, spanId: r.span_id, startedAt: new Date(r.started_at), documents: r.documents }));
}

/** Redacted as the trace's own contexts would be (the same kinds), before they are kept. */
export function redactRetrieval(r: Retrieval, redaction: RedactionOptions): Retrieval {
  if (redaction.kinds.size === 0) return r;
  return { ...r, documents: r.documents.map((d) => ({ ...d, content: redactText(d.content, redaction).text })) };
}

/** Keeps the request's retrievals; a span sent again is kept once. */
export async function stageRetrievals(tx: Tx, projectId: string, retrievals: readonly Retrieval[]): Promise<void> {
  if (retrievals.length === 0) return;
  const sorted = [...retrievals].sort((a, b) => (a.traceId + a.spanId < b.traceId + b.spanId ? -1 : 1));
  await tx.execute(sql`insert into otlp_retrievals (project_id, otel_trace_id, span_id, started_at, documents)
    select ${projectId}::uuid, u.trace_id, u.span_id, u.started_at, u.documents
      from unnest(${sql.param(sorted.map((r) => r.traceId))}::text[], ${sql.param(sorted.map((r) => r.spanId))}::text[],
                  ${sql.param(sorted.map((r) => r.startedAt.toISOString()))}::timestamptz[],
                  ${sql.param(sorted.map((r) => JSON.stringify(r.documents)))}::jsonb[]) as u(trace_id, span_id, started_at, documents)
    on conflict (project_id, otel_trace_id, span_id) do nothing`);
}

const sameContext = (a: RetrievedContext, b: RetrievedContext) => a.content === b.content && a.id === b.id && a.source === b.source && a.score === b.score;

/**
 * A stored call's contexts once more documents of its trace are known: the
 * joined list when it holds every context the call already has (the usual
 * case: the order is the retrievals' start order), else the call's contexts
 * followed by the documents it lacks — documents kept longer ago than the
 * window are gone, and what a call already has is never taken away.
 */
export function mergeContexts(existing: readonly RetrievedContext[] | null, joined: readonly RetrievedContext[]): RetrievedContext[] {
  const current = existing ?? [];
  if (current.every((c) => joined.some((j) => sameContext(c, j)))) return [...joined];
  const extra = joined.filter((j) => !current.some((c) => sameContext(c, j)));
  return [...current, ...extra].slice(0, NATIVE_LIMITS.maxContexts);
}

export type LateContextStats = { updated: number; requeued: number };

/**
 * Writes the documents kept for these OTel traces into the calls of those
 * traces stored within the window (not those in `exclude`, written by this
 * request with their contexts already joined), when that changes them; then
 * queues the evaluators that read contexts for the calls changed.
 */
export async function attachLateContexts(tx: Tx, projectId: string, otelTraceIds: Iterable<string>, exclude: readonly string[]): Promise<LateContextStats> {
  const ids = [...new Set(otelTraceIds)];
  if (ids.length === 0) return { updated: 0, requeued: 0 };
  const stored = await rows<{ id: string; otel_trace_id: string; contexts: RetrievedContext[] | null }>(
    tx,
    sql`select id, metadata->'otel'->>'traceId' as otel_trace_id, contexts from traces
         where project_id = ${projectId}::uuid and (metadata->'otel'->>'traceId') = any(${sql.param(ids)}::text[])
           and received_at > now() - make_interval(secs => ${windowSeconds()})
           and not (id = any(${sql.param([...exclude])}::uuid[]))
         order by id`,
  );
  if (stored.length === 0) return { updated: 0, requeued: 0 };
  const staged = await stagedRetrievals(tx, projectId, ids);
  const joined = new Map<string, RetrievedContext[]>();
  for (const id of ids) joined.set(id, joinRetrievals(staged.filter((r) => r.traceId === id)));
  const changes = stored.flatMap((t) => {
    const next = mergeContexts(t.contexts, joined.get(t.otel_trace_id) ?? []);
    const same = next.length === (t.contexts?.length ?? 0) && next.every((c, i) => sameContext(c, t.contexts![i]!));
    return same || next.length === 0 ? [] : [{ id: t.id, contexts: next }];
  });
  if (changes.length === 0) return { updated: 0, requeued: 0 };
  await tx.execute(sql`update traces t set contexts = u.contexts
    from unnest(${sql.param(changes.map((c) => c.id))}::uuid[], ${sql.param(changes.map((c) => JSON.stringify(c.contexts)))}::jsonb[]) as u(id, contexts)
    where t.project_id = ${projectId}::uuid and t.id = u.id`);
  const requeued = await requeueContextEvaluators(tx, projectId, changes.map((c) => c.id));
  return { updated: changes.length, requeued };
}

/**
 * The project's enabled evaluators that read contexts run again on these
 * traces (those in their segment and sample, as at ingest): their scores on
 * the traces, written from the earlier contexts, are removed, and the trace
 * waits for them again — a row already waiting (or given up, e.g. for lack of
 * contexts) starts over. Returns the rows queued.
 */
export async function requeueContextEvaluators(tx: Tx, projectId: string, traceIds: readonly string[]): Promise<number> {
  if (traceIds.length === 0) return 0;
  const evaluators = await rows<{ id: string; kind: string; settings: unknown }>(
    tx,
    sql`select id, kind::text as kind, settings from evaluators where project_id = ${projectId}::uuid and status = 'enabled'`,
  );
  const readers = evaluators.filter((e) => evaluatorUsesContexts(e.kind, e.settings)).map((e) => e.id);
  if (readers.length === 0) return 0;
  await tx.execute(sql`delete from scores where project_id = ${projectId}::uuid and trace_id = any(${sql.param([...traceIds])}::uuid[])
    and evaluator_id = any(${sql.param(readers)}::uuid[])`);
  const queued = await rows<{ n: number }>(
    tx,
    sql`with q as (
      insert into eval_backlog (project_id, trace_id, evaluator_id)
      select ${projectId}::uuid, i.id, e.id
        from traces i join evaluators e on e.project_id = ${projectId}::uuid and e.id = any(${sql.param(readers)}::uuid[])
       where i.project_id = ${projectId}::uuid and i.id = any(${sql.param([...traceIds])}::uuid[])
         and ${sql.raw(EVALUATOR_MATCHES_TRACE("e", "i"))}
      order by i.id, e.id
      on conflict (project_id, trace_id, evaluator_id) do update
        set attempts = 0, next_attempt_at = now(), last_error = null, failed_at = null
      returning 1)
    select count(*)::int as n from q`,
  );
  return Number(queued[0]?.n ?? 0);
}
