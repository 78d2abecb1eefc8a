import { NATIVE_LIMITS, sanitizeString } from "../native-schema";
import type { RetrievedContext } from "../types";
import { indexedGroups } from "./attributes";
import type { OtlpSpan } from "./types";

/**
 * Retrieved documents from OpenInference RETRIEVER spans:
 * `retrieval.documents.{i}.document.content`, `.document.id`,
 * `.document.score` and `.document.metadata` (a JSON string; its `source`,
 * else `file_path` or `url`, names the context's source). Read from any span
 * that carries them, in index order, at most NATIVE_LIMITS.maxContexts per
 * OTel trace, each content cut to NATIVE_LIMITS.maxContextLength.
 */
export const RETRIEVAL_PREFIX = "retrieval.documents";

const text = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);
const cut = (v: string, max: number) => sanitizeString(v.length > max ? v.slice(0, max) : v);

function sourceOf(metadata: unknown): string | null {
  let value = metadata;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const m = value as Record<string, unknown>;
  return text(m.source) ?? text(m.file_path) ?? text(m.url) ?? null;
}

export function retrievedDocuments(span: OtlpSpan): RetrievedContext[] {
  const out: RetrievedContext[] = [];
  for (const group of indexedGroups(span.attributes, RETRIEVAL_PREFIX)) {
    const content = text(group["document.content"]);
    if (content === null || content.trim() === "") continue;
    const score = group["document.score"];
    const id = text(group["document.id"]);
    const source = sourceOf(group["document.metadata"]);
    out.push({
      content: cut(content, NATIVE_LIMITS.maxContextLength),
      id: id === null ? null : cut(id, NATIVE_LIMITS.maxLabelLength),
      source: source === null ? null : cut(source, NATIVE_LIMITS.maxLabelLength),
      score: typeof score === "number" && Number.isFinite(score) ? score : null,
    });
  }
  return out;
}

/** Documents per OTel trace id, in the order their spans appear (a trace's retrievals concatenated). */
export function documentsByTrace(spans: Iterable<OtlpSpan>): Map<string, RetrievedContext[]> {
  const byTrace = new Map<string, RetrievedContext[]>();
  for (const span of spans) {
    const docs = retrievedDocuments(span);
    if (docs.length === 0) continue;
    const list = byTrace.get(span.traceId) ?? [];
    list.push(...docs.slice(0, NATIVE_LIMITS.maxContexts - list.length));
    byTrace.set(span.traceId, list);
  }
  return byTrace;
}
