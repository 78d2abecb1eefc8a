import type { Database } from "@/db/client";
import { IngestError } from "@/lib/ingest/otlp/ingest-error";
import { buildExportTraceServiceResponse, mapOtlpRequest, type ExportTraceServiceResponseJson } from "@/lib/ingest/otlp/map-request";
import type { OtlpTraceRequest } from "@/lib/ingest/otlp/types";
import { redactTrace, type RedactionOptions } from "@/lib/ingest/redact";
import type { ItemOutcome, NormalizedTrace } from "@/lib/ingest/types";
import { parseNativeBatch } from "@/lib/ingest/validate-native";
import { PayloadError, UnavailableError, payloadProblemOf } from "@/lib/errors";
import { joinRetrievals } from "@/lib/ingest/otlp/retrieval";
import { attachLateContexts, lockOtelTraces, keptRetrievals, mayHaveStagedRetrievals, redactRetrieval, stageRetrievals, stagedRetrievals } from "./otlp-contexts";
import { recordTraces, type RecordOutcome } from "./record-traces";

export type IngestContext = {
  db: Database;
  projectId: string;
  redaction: RedactionOptions;
  /**
   * The database runs one transaction at a time (the embedded PGlite, db/pglite-thread.ts): no other
   * request's statements interleave with an ingest transaction, so the OTLP path needs no locks of its own.
   */
  serialized?: boolean;
};

export type NativeIngestResult = {
  status: 200 | 207;
  body: { accepted: number; duplicates: number; rejected: number; items: ItemOutcome[] };
};

/** Redacts PII before anything reaches the database; the counts stay with the trace. */
export function prepare(trace: NormalizedTrace, redaction: RedactionOptions): NormalizedTrace {
  if (redaction.kinds.size === 0) return trace;
  const { trace: redacted, counts } = redactTrace(trace, redaction);
  if (Object.keys(counts).length === 0) return redacted;
  return { ...redacted, metadata: { ...redacted.metadata, driftline_redactions: counts } };
}

async function store(ctx: IngestContext, traces: NormalizedTrace[], scoreSource: string): Promise<RecordOutcome[]> {
  try {
    return await recordTraces(ctx.db, { projectId: ctx.projectId, traces, scoreSource });
  } catch (error) {
    // One transaction per batch: a failed statement stored nothing. Only when the connection is
    // lost during the commit itself is the outcome unknown (the commit may have landed) — and a
    // retry is safe either way for traces that carry an id (every OTLP span does), as each id is stored once.
    console.error("[driftline] ingest: storing a batch failed:", error instanceof Error ? error.message : error);
    throw new UnavailableError("The database is unavailable; retry later (a retry is safe for traces sent with an id: each id is stored once)");
  }
}

/**
 * The native batch endpoint's work: validate each item, store the valid ones
 * in one transaction, and answer one outcome per item in request order.
 */
export async function ingestNativeBatch(ctx: IngestContext, body: unknown): Promise<NativeIngestResult> {
  const parsed = parseNativeBatch(body);
  if (parsed.batchError) {
    throw new PayloadError(payloadProblemOf(parsed.batchErrorStatus ?? 400), parsed.batchError[0]?.message ?? "Invalid batch", parsed.batchError);
  }
  const valid = parsed.items.flatMap((item) => (item.trace ? [{ index: item.index, trace: prepare(item.trace, ctx.redaction) }] : []));
  const outcomes = await store(
    ctx,
    valid.map((v) => v.trace),
    "sdk",
  );
  const byIndex = new Map(valid.map((v, i) => [v.index, outcomes[i]!]));
  const items: ItemOutcome[] = parsed.items.map((item) => {
    if (!item.trace) return { index: item.index, id: item.id, status: "rejected", errors: item.errors };
    const outcome = byIndex.get(item.index)!;
    return { index: item.index, id: item.trace.externalId, status: outcome.status };
  });
  const count = (status: ItemOutcome["status"]) => items.filter((i) => i.status === status).length;
  const rejected = count("rejected");
  return {
    status: rejected > 0 ? 207 : 200,
    body: { accepted: count("accepted"), duplicates: count("duplicate"), rejected, items },
  };
}

export type OtlpIngestResult = {
  response: ExportTraceServiceResponseJson;
  accepted: number;
  duplicates: number;
  rejected: number;
  skipped: number;
};

/**
 * The OTLP endpoint's work: map LLM spans to traces, join the retrieved
 * documents of their OTel traces (this request's and those kept from earlier
 * ones, lib/services/traces/otlp-contexts.ts), store the traces, keep this
 * request's documents and give them to calls stored earlier — one
 * transaction — and report refused spans.
 */
export async function ingestOtlpRequest(ctx: IngestContext, request: OtlpTraceRequest): Promise<OtlpIngestResult> {
  const mapped = mapOtlpRequest(request);
  let outcomes: RecordOutcome[];
  if (mapped.retrievals.length === 0 && mapped.traces.length === 0) outcomes = [];
  else {
    try {
      outcomes = await ctx.db.transaction(async (tx) => {
        // On a database that runs one transaction at a time the lock is implied, and a project that has
        // never kept a retrieval there has none to read (otlp-contexts.ts, mayHaveStagedRetrievals).
        if (!ctx.serialized) {
          await lockOtelTraces(tx, ctx.projectId, [...mapped.traces.map((t) => t.spanRef.traceId), ...mapped.retrievals.map((r) => r.traceId)]);
        }
        const staged =
          ctx.serialized && !(await mayHaveStagedRetrievals(ctx.db, tx, ctx.projectId))
            ? []
            : await stagedRetrievals(
                tx,
                ctx.projectId,
                mapped.traces.map((t) => t.spanRef.traceId),
              );
        const traces = mapped.traces.map(({ trace, spanRef }) => {
          const own = staged.filter((r) => r.traceId === spanRef.traceId);
          if (own.length === 0) return prepare(trace, ctx.redaction);
          // Kept documents are already redacted; this request's are redacted with the trace.
          const contexts = joinRetrievals([...mapped.retrievals.filter((r) => r.traceId === spanRef.traceId), ...own]);
          return prepare({ ...trace, contexts }, ctx.redaction);
        });
        const recorded = await recordTraces(tx as unknown as Database, { projectId: ctx.projectId, traces, scoreSource: "otel" });
        if (mapped.retrievals.length > 0) {
          if (ctx.serialized) keptRetrievals(ctx.db, ctx.projectId);
          await stageRetrievals(
            tx,
            ctx.projectId,
            mapped.retrievals.map((r) => redactRetrieval(r, ctx.redaction)),
          );
          await attachLateContexts(
            tx,
            ctx.projectId,
            mapped.retrievals.map((r) => r.traceId),
            recorded.flatMap((o) => (o.traceId ? [o.traceId] : [])),
          );
        }
        return recorded;
      });
    } catch (error) {
      console.error("[driftline] ingest: storing an OTLP request failed:", error instanceof Error ? error.message : error);
      throw new UnavailableError("The database is unavailable; retry later (a retry is safe: each span is stored once)");
    }
  }
  return {
    response: buildExportTraceServiceResponse(mapped.rejected),
    accepted: outcomes.filter((o) => o.status === "accepted").length,
    duplicates: outcomes.filter((o) => o.status === "duplicate").length + mapped.duplicates,
    rejected: mapped.rejected.length,
    skipped: mapped.skipped,
  };
}

/** Decoding errors from lib/ingest become the service's payload errors. */
export function toPayloadError(error: unknown): unknown {
  if (error instanceof IngestError) return new PayloadError(payloadProblemOf(error.status), error.message, error.errors);
  return error;
}
