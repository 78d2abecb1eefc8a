import { NATIVE_LIMITS, sanitizeString } from "../native-schema";
import type { RetrievedContext } from "../types";
import { indexedGroups, parseJsonLoose } from "./attributes";
import type { AttributeValue, OtlpSpan } from "./types";

/**
 * Retrieved documents on OTLP spans, in two conventions (docs/ingest.md,
 * "Retrieved contexts"):
 *
 * - OpenInference RETRIEVER spans: `retrieval.documents.{i}.document.content`,
 *   `.document.id`, `.document.score` and `.document.metadata` (a JSON string;
 *   its `source`, else `file_path` or `url`, names the context's source).
 * - OpenTelemetry GenAI retrieval spans (`gen_ai.operation.name` "retrieval"):
 *   `gen_ai.retrieval.documents`, an array of document objects, structured or
 *   as a JSON string. The convention asks each object for `id` and `score`;
 *   the text is read from `content` (else `text`, `page_content`), the source
 *   from `source`, `source_id`, or the object's `metadata` as above. A
 *   document without text is not a context and is left out.
 *
 * Read from any span that carries them (OpenInference first when a span has
 * both), each content cut to NATIVE_LIMITS.maxContextLength; a trace keeps at
 * most NATIVE_LIMITS.maxContexts.
 */
export const RETRIEVAL_PREFIX = "retrieval.documents";
export const GENAI_RETRIEVAL_DOCUMENTS = "gen_ai.retrieval.documents";

/**
 * How long retrieved documents and the LLM calls of their OTel trace wait for
 * each other across export requests: documents are kept this long after they
 * arrive, and a stored call is given documents that arrive up to this long
 * after it.
 */
export const CONTEXT_JOIN_WINDOW_MS = 10 * 60_000;

/** One span's documents, with what orders and identifies it within its OTel trace. */
export type Retrieval = { traceId: string; spanId: string; startedAt: Date; documents: RetrievedContext[] };

const ID_TRACE = /^[0-9a-f]{32}$/;
const NANOS_PER_MS = BigInt(1_000_000);

const text = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);
const cut = (v: string, max: number) => sanitizeString(v.length > max ? v.slice(0, max) : v);

function objectOf(value: unknown): Record<string, unknown> | null {
  let v = value;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function sourceOf(metadata: unknown): string | null {
  const m = objectOf(metadata);
  if (!m) return null;
  return text(m.source) ?? text(m.file_path) ?? text(m.url) ?? null;
}

function context(content: unknown, id: unknown, score: unknown, source: string | null): RetrievedContext | null {
  const body = text(content);
  if (body === null || body.trim() === "") return null;
  const name = text(id);
  const value = typeof score === "string" && score.trim() !== "" ? Number(score) : score;
  return {
    content: cut(body, NATIVE_LIMITS.maxContextLength),
    id: name === null ? null : cut(name, NATIVE_LIMITS.maxLabelLength),
    source: source === null ? null : cut(source, NATIVE_LIMITS.maxLabelLength),
    score: typeof value === "number" && Number.isFinite(value) ? value : null,
  };
}

function openInferenceDocuments(span: OtlpSpan): RetrievedContext[] {
  const out: RetrievedContext[] = [];
  for (const group of indexedGroups(span.attributes, RETRIEVAL_PREFIX)) {
    const c = context(group["document.content"], group["document.id"], group["document.score"], sourceOf(group["document.metadata"]));
    if (c) out.push(c);
  }
  return out;
}

function genAiDocuments(span: OtlpSpan): RetrievedContext[] {
  let value: AttributeValue | unknown = span.attributes[GENAI_RETRIEVAL_DOCUMENTS];
  if (typeof value === "string") value = parseJsonLoose(value);
  if (!Array.isArray(value)) return [];
  const out: RetrievedContext[] = [];
  for (const item of value) {
    const d = objectOf(item);
    if (!d) continue;
    const c = context(d.content ?? d.text ?? d.page_content, d.id, d.score, text(d.source) ?? text(d.source_id) ?? sourceOf(d.metadata));
    if (c) out.push(c);
  }
  return out;
}

export function retrievedDocuments(span: OtlpSpan): RetrievedContext[] {
  const docs = openInferenceDocuments(span);
  return (docs.length > 0 ? docs : genAiDocuments(span)).slice(0, NATIVE_LIMITS.maxContexts);
}

/** Every span of the request that carries documents (and a well-formed trace id), once per span. */
export function retrievalsOf(spans: Iterable<OtlpSpan>): Retrieval[] {
  const out: Retrieval[] = [];
  const seen = new Set<string>();
  for (const span of spans) {
    if (!ID_TRACE.test(span.traceId) || /^0+$/.test(span.traceId)) continue;
    const key = `${span.traceId}/${span.spanId}`;
    if (seen.has(key)) continue;
    const documents = retrievedDocuments(span);
    if (documents.length === 0) continue;
    seen.add(key);
    out.push({ traceId: span.traceId, spanId: span.spanId, startedAt: new Date(Number(span.startTimeUnixNano / NANOS_PER_MS)), documents });
  }
  return out;
}

/**
 * One OTel trace's contexts from its retrievals, wherever they came from: by
 * the retriever span's start, then span id (so every request that joins them
 * agrees on the order), each span once, at most NATIVE_LIMITS.maxContexts.
 */
export function joinRetrievals(retrievals: Iterable<Pick<Retrieval, "spanId" | "startedAt" | "documents">>): RetrievedContext[] {
  const bySpan = new Map<string, Pick<Retrieval, "spanId" | "startedAt" | "documents">>();
  for (const r of retrievals) if (!bySpan.has(r.spanId)) bySpan.set(r.spanId, r);
  const ordered = [...bySpan.values()].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
  const out: RetrievedContext[] = [];
  for (const r of ordered) {
    for (const d of r.documents) {
      if (out.length >= NATIVE_LIMITS.maxContexts) return out;
      out.push(d);
    }
  }
  return out;
}

/** Contexts per OTel trace id from the retrievals given. */
export function documentsByTrace(retrievals: readonly Retrieval[]): Map<string, RetrievedContext[]> {
  const grouped = new Map<string, Retrieval[]>();
  for (const r of retrievals) grouped.set(r.traceId, [...(grouped.get(r.traceId) ?? []), r]);
  return new Map([...grouped].map(([traceId, list]) => [traceId, joinRetrievals(list)]));
}
