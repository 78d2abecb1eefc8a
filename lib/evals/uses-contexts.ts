/**
 * Whether an evaluator's verdict depends on a trace's retrieved contexts, so
 * that it must run again when contexts reach a trace after it was stored (an
 * OTLP retriever span exported after its LLM span; docs/ingest.md, "Retrieved
 * contexts"). Read from the stored kind and settings, defensively, so it holds
 * for any settings shape that names its judge templates or metrics:
 * `settings.template`, `settings.templates[]` and `settings.metrics[]`.
 */

/** Judge templates that read the contexts (custom rubrics get them when the trace has some). */
export const CONTEXT_TEMPLATES: ReadonlySet<string> = new Set(["faithfulness", "context_precision", "context_recall", "custom"]);
/** Metrics that read the contexts (embedding-based question ↔ context relevance). */
export const CONTEXT_METRICS: ReadonlySet<string> = new Set(["context_relevance"]);

const names = (v: unknown): string[] => (typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export function evaluatorUsesContexts(kind: string, settings: unknown): boolean {
  if (!settings || typeof settings !== "object" || Array.isArray(settings)) return false;
  const s = settings as Record<string, unknown>;
  if (kind === "llm_judge" && [...names(s.template), ...names(s.templates)].some((t) => CONTEXT_TEMPLATES.has(t))) return true;
  return names(s.metrics).some((m) => CONTEXT_METRICS.has(m));
}
