/**
 * A decoded OTLP trace request → the LLM traces to store, the spans refused
 * (reported back through `partialSuccess`), and a count of spans that are not
 * LLM calls (acknowledged, not stored). Plus the ExportTraceServiceResponse.
 */
import type { FieldError, NormalizedTrace } from "../types";
import { isInheritedKey } from "./ai-sdk";
import type { OtlpFormat } from "./decode";
import { mapSpan, type MapSpanOptions } from "./map-span";
import { ExportTraceServiceResponseType } from "./proto";
import { documentsByTrace, retrievalsOf, type Retrieval } from "./retrieval";
import type { Attributes, OtlpSpan, OtlpTraceRequest } from "./types";

export type SpanRef = {
  /** `resourceSpans[0].scopeSpans[1].spans[2]` */
  path: string;
  traceId: string;
  spanId: string;
  name: string;
};

export type OtlpMapResult = {
  traces: Array<{ trace: NormalizedTrace; spanRef: SpanRef }>;
  rejected: Array<{ spanRef: SpanRef; errors: FieldError[] }>;
  /** Spans that are not LLM calls. */
  skipped: number;
  /** Later copies of a span (same trace and span id) already in this request; only the first is kept. */
  duplicates: number;
  /**
   * Retrieved documents of the request's spans, one entry per span: joined here to the LLM calls of
   * the same OTel trace, and kept by the ingest service for calls of that trace in other requests.
   */
  retrievals: Retrieval[];
};

/** How far up a span's parents context attributes are looked for. */
const MAX_ANCESTORS = 32;

/**
 * Context attributes (isInheritedKey) of the span's ancestors that are in this
 * request, nearest first. An AI SDK call, a Langfuse trace or an application
 * span sets user, session, metadata and function id on the outer span; the
 * model call below it is the trace, so it takes them from there. An ancestor
 * exported in another request is not seen (the span keeps what it carries).
 */
function inheritedAttributes(span: OtlpSpan, byId: Map<string, OtlpSpan>): Attributes | undefined {
  let inherited: Attributes | undefined;
  let parentId = span.parentSpanId;
  for (let depth = 0; depth < MAX_ANCESTORS && parentId && !/^0+$/.test(parentId); depth++) {
    const parent = byId.get(`${span.traceId}/${parentId}`);
    if (!parent || parent === span) break;
    for (const [key, value] of Object.entries(parent.attributes)) {
      if (value === null || !isInheritedKey(key)) continue;
      inherited ??= {};
      if (inherited[key] === undefined) inherited[key] = value;
    }
    parentId = parent.parentSpanId;
  }
  return inherited;
}

export function mapOtlpRequest(request: OtlpTraceRequest, options: MapSpanOptions = {}): OtlpMapResult {
  const result: OtlpMapResult = { traces: [], rejected: [], skipped: 0, duplicates: 0, retrievals: [] };
  const seen = new Set<string>();
  const byId = new Map<string, OtlpSpan>();
  for (const rs of request.resourceSpans) {
    for (const ss of rs.scopeSpans) for (const span of ss.spans) if (!byId.has(`${span.traceId}/${span.spanId}`)) byId.set(`${span.traceId}/${span.spanId}`, span);
  }
  request.resourceSpans.forEach((rs, r) => {
    rs.scopeSpans.forEach((ss, s) => {
      ss.spans.forEach((span, i) => {
        const spanRef: SpanRef = {
          path: `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`,
          traceId: span.traceId,
          spanId: span.spanId,
          name: span.name,
        };
        // Looked up only for the spans that are LLM calls.
        const inherited = span.parentSpanId ? () => inheritedAttributes(span, byId) : undefined;
        const mapped = mapSpan(span, { resource: rs.resource.attributes, scope: ss.scope, path: spanRef.path, inherited }, options);
        if (mapped.kind === "skip") result.skipped++;
        else if (mapped.kind === "rejected") result.rejected.push({ spanRef, errors: mapped.errors });
        else if (seen.has(mapped.trace.externalId)) result.duplicates++;
        else {
          seen.add(mapped.trace.externalId);
          result.traces.push({ trace: mapped.trace, spanRef });
        }
      });
    });
  });
  // Retriever documents of the same OTel trace become the LLM calls' contexts (docs/ingest.md, "Retrieved contexts").
  result.retrievals = retrievalsOf(byId.values());
  const documents = documentsByTrace(result.retrievals);
  if (documents.size > 0) {
    for (const item of result.traces) {
      const docs = documents.get(item.spanRef.traceId);
      if (docs && !item.trace.contexts?.length) item.trace = { ...item.trace, contexts: docs };
    }
  }
  return result;
}

/** OTLP JSON ExportTraceServiceResponse; `partialSuccess` only when something was refused. */
export type ExportTraceServiceResponseJson = {
  partialSuccess?: {
    /** int64, so a decimal string in OTLP JSON (proto3 JSON mapping). */
    rejectedSpans: string;
    errorMessage: string;
  };
};

const MAX_ERROR_MESSAGE = 2000;
const MAX_LISTED = 5;

export function buildExportTraceServiceResponse(
  rejected: ReadonlyArray<{ spanRef: SpanRef; errors: FieldError[] }>,
): ExportTraceServiceResponseJson {
  if (rejected.length === 0) return {};
  const listed = rejected.slice(0, MAX_LISTED).map(({ spanRef, errors }) => {
    const what = errors.map((e) => `${e.path}: ${e.message}`).join(", ");
    return `span ${spanRef.spanId || "?"} of trace ${spanRef.traceId || "?"}: ${what}`;
  });
  const more = rejected.length > MAX_LISTED ? `; and ${rejected.length - MAX_LISTED} more` : "";
  let errorMessage = `${rejected.length} span${rejected.length === 1 ? "" : "s"} rejected: ${listed.join("; ")}${more}`;
  if (errorMessage.length > MAX_ERROR_MESSAGE) errorMessage = `${errorMessage.slice(0, MAX_ERROR_MESSAGE - 1)}…`;
  return { partialSuccess: { rejectedSpans: String(rejected.length), errorMessage } };
}

/** The response body in the request's own encoding (OTLP/HTTP answers in the format it was sent). */
export function encodeExportTraceServiceResponse(response: ExportTraceServiceResponseJson, format: OtlpFormat): Uint8Array {
  if (format === "json") return new TextEncoder().encode(JSON.stringify(response));
  const message = ExportTraceServiceResponseType.fromObject(
    response.partialSuccess
      ? {
          partialSuccess: {
            rejectedSpans: Number(response.partialSuccess.rejectedSpans),
            errorMessage: response.partialSuccess.errorMessage,
          },
        }
      : {},
  );
  return ExportTraceServiceResponseType.encode(message).finish();
}
