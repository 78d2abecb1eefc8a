import { decodeJsonBody, decodeOtlpRequest, OTLP_LIMITS, otlpFormatOf } from "@/lib/ingest/otlp/decode";
import { encodeExportTraceServiceResponse } from "@/lib/ingest/otlp/map-request";
import { ingestLangfuseBatch } from "@/lib/services/langfuse/ingest-langfuse";
import { ingestNativeBatch, ingestOtlpRequest, toPayloadError } from "@/lib/services/traces/ingest";
import { withApiKey } from "./route-context";
import { readBody } from "./read-body";

/** Bodies larger than this are refused with 413 before they are read in full (documented in docs/ingest.md). */
export const MAX_INGEST_BODY_BYTES = OTLP_LIMITS.maxBodyBytes;

/**
 * Ingest answers are small, read by machines once, and never cached: they go
 * out as they are. (`no-transform` also keeps the server's response
 * compression off them — deflating a few kilobytes cost more than sending them.)
 */
const ANSWER_HEADERS = { "cache-control": "no-store, no-transform" };

function decodeInput(request: Request, body: Uint8Array) {
  return {
    body,
    contentType: request.headers.get("content-type"),
    contentEncoding: request.headers.get("content-encoding"),
  };
}

/** A JSON body (optionally compressed) within the ingest body limit; a malformed one is a 400/413/415. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const bytes = await readBody(request, MAX_INGEST_BODY_BYTES);
  try {
    return decodeJsonBody(decodeInput(request, bytes));
  } catch (error) {
    throw toPayloadError(error);
  }
}

/** POST /api/v1/traces — the native JSON batch. */
export const postNativeTraces = withApiKey(async (request, ctx) => {
  const body = await readJsonBody(request);
  const result = await ingestNativeBatch({ db: ctx.db, projectId: ctx.projectId, redaction: ctx.redaction }, body);
  return Response.json(result.body, { status: result.status, headers: ANSWER_HEADERS });
});

/** POST /v1/traces — OTLP/HTTP, JSON or protobuf, optionally compressed. */
export const postOtlpTraces = withApiKey(async (request, ctx) => {
  const bytes = await readBody(request, MAX_INGEST_BODY_BYTES);
  let decoded;
  let format;
  try {
    format = otlpFormatOf(request.headers.get("content-type"));
    decoded = decodeOtlpRequest(decodeInput(request, bytes));
  } catch (error) {
    throw toPayloadError(error);
  }
  const result = await ingestOtlpRequest({ db: ctx.db, projectId: ctx.projectId, redaction: ctx.redaction, serialized: ctx.handle.driver === "pglite" }, decoded);
  const payload = encodeExportTraceServiceResponse(result.response, format);
  return new Response(payload as BodyInit, {
    status: 200,
    headers: { ...ANSWER_HEADERS, "content-type": format === "protobuf" ? "application/x-protobuf" : "application/json" },
  });
});

/**
 * POST /api/public/ingestion — Langfuse's batch ingestion API, for the
 * Langfuse v2/v3 SDKs: always 207 with `{successes, errors}` per event, as
 * Langfuse answers (the SDKs retry a batch whose answer lists errors).
 */
export const postLangfuseIngestion = withApiKey(async (request, ctx) => {
  const body = await readJsonBody(request);
  const result = await ingestLangfuseBatch({ db: ctx.db, projectId: ctx.projectId, redaction: ctx.redaction }, body);
  return Response.json(result, { status: 207, headers: ANSWER_HEADERS });
});
