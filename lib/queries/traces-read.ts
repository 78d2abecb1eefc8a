import { and, eq, inArray, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { scores, traces, type Trace } from "@/db/schema";
import type { TraceCursor } from "./trace-cursor";
import { listTraces, type TraceListFilter } from "./traces-list";

/** A trace as the read API returns it: the native ingest shape plus Driftline's ids. */
export type TraceView = {
  id: string;
  externalId: string;
  timestamp: string;
  receivedAt: string;
  provider: string | null;
  model: string | null;
  modelVersion: string | null;
  route: string | null;
  prompt: unknown;
  response: unknown;
  latencyMs: number | null;
  ttftMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  reasoningTokens: number | null;
  costUsd: number | null;
  /** Where the cost came from: the client, the price table or a project override (docs/ingest.md, "Cost"). */
  costSource: "client" | "price_table" | "override" | null;
  priceTableVersion: string | null;
  status: "ok" | "error";
  error: string | null;
  finishReason: string | null;
  refused: boolean;
  userId: string | null;
  sessionId: string | null;
  tags: string[];
  metadata: unknown;
  scores: Record<string, number>;
  /** The expected answer the client sent, when it sent one. */
  expectedOutput?: string;
  /** Retrieved contexts in retrieval order ([] when none were sent). */
  contexts: Array<{ content: string; id: string | null; source: string | null; score: number | null }>;
};

function toView(row: Trace, traceScores: Array<{ name: string; value: number }>): TraceView {
  return {
    id: row.id,
    externalId: row.externalId,
    timestamp: row.startedAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    provider: row.provider,
    model: row.model,
    modelVersion: row.modelVersion,
    route: row.route,
    prompt: row.prompt,
    response: row.response,
    latencyMs: row.latencyMs,
    ttftMs: row.ttftMs,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cachedInputTokens: row.cachedInputTokens,
    reasoningTokens: row.reasoningTokens,
    costUsd: row.costUsd,
    costSource: row.costSource,
    priceTableVersion: row.priceTableVersion,
    status: row.status,
    error: row.error,
    finishReason: row.finishReason,
    refused: row.refused,
    userId: row.userId,
    sessionId: row.sessionId,
    tags: row.tags,
    metadata: row.metadata,
    scores: Object.fromEntries(traceScores.map((s) => [s.name, s.value])),
    ...(row.expectedOutput !== null ? { expectedOutput: row.expectedOutput } : {}),
    contexts: row.contexts ?? [],
  };
}

async function scoresOf(db: Database, projectId: string, traceIds: string[]) {
  if (traceIds.length === 0) return new Map<string, Array<{ name: string; value: number }>>();
  const rows = await db
    .select({ traceId: scores.traceId, name: scores.name, value: scores.value })
    .from(scores)
    .where(and(eq(scores.projectId, projectId), inArray(scores.traceId, traceIds)));
  const map = new Map<string, Array<{ name: string; value: number }>>();
  for (const r of rows) map.set(r.traceId, [...(map.get(r.traceId) ?? []), r]);
  return map;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One trace of the project, by Driftline's id or by the client's id. */
export async function getTrace(db: Database, projectId: string, id: string): Promise<TraceView | null> {
  const match = UUID.test(id) ? or(eq(traces.id, id), eq(traces.externalId, id)) : eq(traces.externalId, id);
  const [row] = await db.select().from(traces).where(and(eq(traces.projectId, projectId), match)).limit(1);
  if (!row) return null;
  return toView(row, (await scoresOf(db, projectId, [row.id])).get(row.id) ?? []);
}

/**
 * A page of the trace list (lib/queries/traces-list.ts `listTraces`, the one
 * filter and order) with each trace in full, as the read API returns it.
 */
export async function listTraceViews(
  db: Database,
  projectId: string,
  filter: TraceListFilter,
): Promise<{ data: TraceView[]; nextCursor: TraceCursor | null }> {
  const page = await listTraces(db, projectId, filter);
  const ids = page.rows.map((r) => r.id);
  if (ids.length === 0) return { data: [], nextCursor: page.nextCursor };
  const rows = await db.select().from(traces).where(and(eq(traces.projectId, projectId), inArray(traces.id, ids)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const scoreMap = await scoresOf(db, projectId, ids);
  const data = ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toView(row, scoreMap.get(id) ?? [])] : [];
  });
  return { data, nextCursor: page.nextCursor };
}
