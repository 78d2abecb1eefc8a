/**
 * Langfuse's OpenTelemetry span format (`@langfuse/tracing` with
 * `@langfuse/otel`, JS SDK v4/v5; the Python SDK v3 writes the same keys):
 * `langfuse.observation.*` on each observation and trace attributes
 * (`user.id`, `session.id`, `langfuse.trace.*`) propagated onto every span.
 * Only generations are model calls; every other observation type is
 * acknowledged and skipped. Values are strings, JSON-encoded when the SDK was
 * given anything else — a completion start time arrives as `"\"2026-…Z\""`.
 */
import { translator, type Translated } from "./ai-sdk";
import { parseJsonLoose } from "./attributes";
import type { AttributeValue, Attributes } from "./types";

const TYPE = "langfuse.observation.type";

export function langfuseObservationType(attrs: Attributes): string | null {
  const v = attrs[TYPE];
  return typeof v === "string" && v !== "" ? v : null;
}

export function langfuseSkipReason(type: string): string | null {
  return type === "generation" ? null : `Langfuse observation type "${type}" is not a generation`;
}

/** A string attribute that may hold JSON: the parsed value, or the text itself; JSON-quoted strings unquoted. */
function decoded(v: AttributeValue | undefined): unknown {
  if (typeof v !== "string") return v ?? undefined;
  const t = v.trim();
  if (t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return v;
    }
  }
  return parseJsonLoose(v) ?? v;
}

function numbers(v: AttributeValue | undefined): Record<string, number> {
  const parsed = decoded(v);
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof x === "number" && Number.isFinite(x)) out[k] = x;
  }
  return out;
}

const first = (o: Record<string, number>, keys: string[]) => keys.map((k) => o[k]).find((x) => x !== undefined);

/** Keys Langfuse and its integrations use in `usage_details`. */
const USAGE_KEYS = {
  input: ["input", "prompt_tokens", "input_tokens", "promptTokens", "inputTokens"],
  output: ["output", "completion_tokens", "output_tokens", "completionTokens", "outputTokens"],
  total: ["total", "total_tokens", "totalTokens"],
  cached: ["cache_read_input_tokens", "input_cached_tokens", "input_cache_read", "cached_tokens", "cachedInputTokens"],
  reasoning: ["output_reasoning_tokens", "output_reasoning", "reasoning_tokens", "reasoningTokens"],
};

/** `langfuse.observation.*` → the conventions' keys, of lower priority than the span's own. */
export function langfuseAttributes(attrs: Attributes): Translated {
  const out = translator();
  if (langfuseObservationType(attrs) === null) return out;
  const set = out.set;
  set("gen_ai.request.model", attrs["langfuse.observation.model.name"], "langfuse.observation.model.name");
  const input = decoded(attrs["langfuse.observation.input"]);
  if (input !== undefined && input !== null) {
    set("driftline.langfuse.input", typeof input === "string" ? input : JSON.stringify(input), "langfuse.observation.input");
  }
  const output = decoded(attrs["langfuse.observation.output"]);
  if (output !== undefined && output !== null) {
    set("driftline.langfuse.output", typeof output === "string" ? output : JSON.stringify(output), "langfuse.observation.output");
  }

  const usage = numbers(attrs["langfuse.observation.usage_details"]);
  const USAGE = "langfuse.observation.usage_details";
  set("gen_ai.usage.input_tokens", first(usage, USAGE_KEYS.input), USAGE);
  set("gen_ai.usage.output_tokens", first(usage, USAGE_KEYS.output), USAGE);
  set("gen_ai.usage.total_tokens", first(usage, USAGE_KEYS.total), USAGE);
  set("gen_ai.usage.cache_read.input_tokens", first(usage, USAGE_KEYS.cached), USAGE);
  set("gen_ai.usage.reasoning.output_tokens", first(usage, USAGE_KEYS.reasoning), USAGE);

  // The client's cost: its total, else the sum of its parts.
  const cost = numbers(attrs["langfuse.observation.cost_details"]);
  const parts = Object.entries(cost).filter(([k]) => k !== "total").map(([, x]) => x);
  set("gen_ai.usage.cost", cost.total ?? (parts.length > 0 ? parts.reduce((a, b) => a + b, 0) : undefined), "langfuse.observation.cost_details");

  const start = decoded(attrs["langfuse.observation.completion_start_time"]);
  if (typeof start === "string" && start !== "") set("driftline.langfuse.completion_start_time", start, "langfuse.observation.completion_start_time");

  const level = decoded(attrs["langfuse.observation.level"]);
  if (level === "ERROR") {
    const message = decoded(attrs["langfuse.observation.status_message"]);
    set("error.type", typeof message === "string" && message !== "" ? message : "ERROR", "langfuse.observation.status_message");
  }
  set("driftline.langfuse.tags", attrs["langfuse.trace.tags"], "langfuse.trace.tags");
  const environment = decoded(attrs["langfuse.environment"]);
  if (typeof environment === "string" && environment !== "" && environment !== "default") {
    set("driftline.langfuse.environment", environment, "langfuse.environment");
  }
  return { attributes: out.attributes, sources: out.sources };
}

/** Observation and trace metadata, the prompt link, level and status, release and trace name. */
export function langfuseMetadata(attrs: Attributes): Record<string, unknown> {
  if (langfuseObservationType(attrs) === null && !Object.keys(attrs).some((k) => k.startsWith("langfuse.trace.metadata"))) return {};
  const meta: Record<string, unknown> = {};
  for (const prefix of ["langfuse.trace.metadata", "langfuse.observation.metadata"]) {
    for (const [key, value] of Object.entries(attrs)) {
      if (key === prefix) {
        const whole = decoded(value);
        if (whole && typeof whole === "object" && !Array.isArray(whole)) Object.assign(meta, whole);
      } else if (key.startsWith(`${prefix}.`)) {
        meta[key.slice(prefix.length + 1)] = decoded(value);
      }
    }
  }
  const params = decoded(attrs["langfuse.observation.model.parameters"]);
  if (params && typeof params === "object" && !Array.isArray(params)) meta.requestParams = params;
  const promptName = decoded(attrs["langfuse.observation.prompt.name"]);
  if (typeof promptName === "string") {
    const version = decoded(attrs["langfuse.observation.prompt.version"]);
    meta.prompt = { name: promptName, ...(version !== undefined ? { version } : {}) };
  }
  const level = decoded(attrs["langfuse.observation.level"]);
  if (typeof level === "string" && level !== "DEFAULT") meta.level = level;
  const status = decoded(attrs["langfuse.observation.status_message"]);
  if (typeof status === "string" && status !== "") meta.statusMessage = status;
  for (const [key, name] of [
    ["langfuse.trace.name", "traceName"],
    ["langfuse.release", "release"],
    ["langfuse.version", "version"],
  ] as const) {
    const v = decoded(attrs[key]);
    if (typeof v === "string" && v !== "") meta[name] = v;
  }
  return meta;
}
