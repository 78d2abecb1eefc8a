/**
 * One OTLP span → one NormalizedTrace, by the OpenTelemetry GenAI semantic
 * conventions first, then the legacy `gen_ai.prompt.{i}.*` keys, OpenInference
 * and OpenLLMetry. The priority lists below are the documentation's source:
 * keep docs/ingest.md in step when changing them.
 */
import { NATIVE_LIMITS } from "../native-schema";
import type { FieldError, NormalizedTrace, TraceText } from "../types";
import { validateNativeTrace } from "../validate-native";
import { aiSdkAttributes, aiSdkMetadata, aiSdkOperation, aiSdkSkipReason } from "./ai-sdk";
import { hasKeyWithPrefix, indexedGroups, parseJsonLoose, pickJson, pickNumber, pickString, type Picked } from "./attributes";
import { langfuseAttributes, langfuseMetadata, langfuseObservationType, langfuseSkipReason } from "./langfuse";
import {
  finishReasonOfMessages,
  legacyMessage,
  openInferenceMessage,
  systemInstructionsMessage,
  toTraceText,
} from "./messages";
import type { AttributeValue, Attributes, OtlpScope, OtlpSpan } from "./types";

export type SpanContext = {
  resource: Attributes;
  scope: OtlpScope;
  /** Where the span sits in the request, for error paths: `resourceSpans[0].scopeSpans[0].spans[3]`. */
  path?: string;
  /**
   * Context attributes of the span's ancestors in the same request (user, session,
   * AI SDK metadata and function id, Langfuse trace attributes), nearest first; the
   * span's own attributes win (map-request.ts collects them).
   */
  inherited?: () => Attributes | undefined;
};

export type MapSpanResult =
  | { kind: "trace"; trace: NormalizedTrace }
  | { kind: "skip"; reason: string }
  | { kind: "rejected"; errors: FieldError[] };

export type MapSpanOptions = { now?: () => number };

/** Attribute keys by field, highest priority first. */
export const ATTRIBUTE_PRIORITY = {
  /** `driftline.provider`: the AI SDK's provider id without its API part (ai-sdk.ts). */
  provider: ["driftline.provider", "gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"],
  model: [
    "gen_ai.request.model",
    "llm.request.model_name",
    "llm.invocation_parameters.model",
    "llm.model_name",
    "gen_ai.response.model",
    "llm.response.model_name",
  ],
  modelVersion: ["gen_ai.response.model", "llm.response.model_name", "llm.model_name"],
  inputTokens: ["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt", "llm.usage.prompt_tokens"],
  outputTokens: [
    "gen_ai.usage.output_tokens",
    "gen_ai.usage.completion_tokens",
    "llm.token_count.completion",
    "llm.usage.completion_tokens",
  ],
  totalTokens: ["gen_ai.usage.total_tokens", "llm.usage.total_tokens", "llm.token_count.total"],
  /** Counted inside inputTokens / outputTokens (OTel GenAI conventions); they price the call (lib/ingest/pricing.ts). */
  cachedInputTokens: [
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_read_input_tokens",
    "llm.token_count.prompt_details.cache_read",
  ],
  reasoningTokens: ["gen_ai.usage.reasoning.output_tokens", "llm.token_count.completion_details.reasoning"],
  costUsd: ["gen_ai.usage.cost", "llm.cost.total", "gen_ai.usage.cost_usd"],
  /** The expected answer, a reference for evaluators (docs/evaluations.md). */
  expectedOutput: ["driftline.expected_output"],
  /** Seconds. */
  ttftSeconds: ["gen_ai.response.time_to_first_chunk", "gen_ai.server.time_to_first_token"],
  finishReason: ["gen_ai.response.finish_reasons", "gen_ai.completion.0.finish_reason", "llm.finish_reason"],
  userId: ["user.id", "enduser.id", "traceloop.association.properties.user_id", "langfuse.user.id"],
  sessionId: [
    "gen_ai.conversation.id",
    "session.id",
    "traceloop.association.properties.session_id",
    "langfuse.session.id",
  ],
  /** No convention exists for a router decision; `driftline.route` is ours. */
  route: ["driftline.route", "traceloop.association.properties.route"],
  inputMessages: ["gen_ai.input.messages"],
  outputMessages: ["gen_ai.output.messages"],
  systemInstructions: ["gen_ai.system_instructions"],
  openLlmetryInput: ["traceloop.entity.input"],
  openLlmetryOutput: ["traceloop.entity.output"],
  openInferenceInput: ["input.value"],
  openInferenceOutput: ["output.value"],
} as const;

/** gen_ai.operation.name values that are one model call producing text. */
const LLM_OPERATIONS = new Set(["chat", "text_completion", "generate_content", "completion", "responses"]);
const OPENLLMETRY_LLM_TYPES = new Set(["chat", "completion"]);

/** Attributes that by themselves say "this span is an LLM call" when no kind attribute decides. */
const LLM_SIGNALS = [
  "gen_ai.request.model",
  "gen_ai.response.model",
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "gen_ai.prompt.",
  "gen_ai.completion.",
  "gen_ai.usage.input_tokens",
  "gen_ai.usage.prompt_tokens",
  "llm.model_name",
  "llm.input_messages.",
  "llm.output_messages.",
  "llm.token_count.",
];

/** Why a span is not an LLM call, or null when it is one. */
export function skipReason(attrs: Attributes): string | null {
  const langfuseType = langfuseObservationType(attrs);
  if (langfuseType) return langfuseSkipReason(langfuseType);
  const aiSdkOp = aiSdkOperation(attrs);
  if (aiSdkOp) return aiSdkSkipReason(aiSdkOp);
  const op = pickString(attrs, ["gen_ai.operation.name"])?.value;
  if (op) return LLM_OPERATIONS.has(op) ? null : `gen_ai.operation.name "${op}" is not an LLM call`;
  const oiKind = pickString(attrs, ["openinference.span.kind"])?.value;
  if (oiKind) return oiKind.toUpperCase() === "LLM" ? null : `openinference.span.kind "${oiKind}" is not an LLM call`;
  const requestType = pickString(attrs, ["llm.request.type"])?.value;
  if (requestType) {
    return OPENLLMETRY_LLM_TYPES.has(requestType) ? null : `llm.request.type "${requestType}" is not an LLM call`;
  }
  const tlKind = pickString(attrs, ["traceloop.span.kind"])?.value;
  if (tlKind) return `traceloop.span.kind "${tlKind}" is not an LLM call`;
  return hasKeyWithPrefix(attrs, LLM_SIGNALS) ? null : "no gen_ai.* or llm.* attributes";
}

/** Trace fields that come from the span itself rather than an attribute, for error paths. */
const SPAN_FIELDS: Record<string, string> = { timestamp: "startTimeUnixNano", latencyMs: "endTimeUnixNano" };

const ID_TRACE = /^[0-9a-f]{32}$/;
const ID_SPAN = /^[0-9a-f]{16}$/;
const ZERO = BigInt(0);
const NANOS_PER_MS = BigInt(1_000_000);

/** Events whose attributes carry GenAI content when an instrumentation records it there. */
const CONTENT_EVENTS = new Set(["gen_ai.client.inference.operation.details"]);
const FIRST_TOKEN_EVENT = /first[ _.-]?(token|chunk)/i;
/** The AI SDK's own stream events: their time is not the first chunk's in v7's legacy format (its attribute is read instead). */
const AI_SDK_STREAM_EVENT = /^ai\.stream\./;

export function mapSpan(span: OtlpSpan, context: SpanContext, options: MapSpanOptions = {}): MapSpanResult {
  const spanPath = context.path ?? "span";
  const spanAttrs = withEventContent(span);
  // The span's own attributes decide (what a client format or an ancestor adds never makes a span an LLM call).
  const reason = skipReason(spanAttrs);
  if (reason) return { kind: "skip", reason };
  const inherited = context.inherited?.();
  const own = inherited ? { ...inherited, ...spanAttrs } : spanAttrs;
  // Client formats translated into the conventions' keys, below the span's own attributes.
  const langfuse = langfuseAttributes(own);
  const aiSdk = aiSdkAttributes(own);
  const attrs: Attributes = { ...langfuse.attributes, ...aiSdk.attributes, ...own };
  const translatedFrom = (key: string) => (key in own ? key : (aiSdk.sources[key] ?? langfuse.sources[key] ?? key));

  const errors: FieldError[] = [];
  if (!ID_TRACE.test(span.traceId) || /^0+$/.test(span.traceId)) {
    errors.push({ path: `${spanPath}.traceId`, message: "must be 16 bytes (32 hex characters), not all zero" });
  }
  if (!ID_SPAN.test(span.spanId) || /^0+$/.test(span.spanId)) {
    errors.push({ path: `${spanPath}.spanId`, message: "must be 8 bytes (16 hex characters), not all zero" });
  }
  if (span.startTimeUnixNano === ZERO) errors.push({ path: `${spanPath}.startTimeUnixNano`, message: "is required" });
  if (span.endTimeUnixNano !== ZERO && span.endTimeUnixNano < span.startTimeUnixNano) {
    errors.push({ path: `${spanPath}.endTimeUnixNano`, message: "must not be before startTimeUnixNano" });
  }
  if (errors.length > 0) return { kind: "rejected", errors };

  const sources: Record<string, string> = {};
  const take = <T>(field: string, picked: Picked<T>): T | null => {
    if (!picked) return null;
    sources[field] = picked.key;
    return picked.value;
  };

  const invocation = invocationParameters(attrs);
  const withInvocation: Attributes = { ...invocation.flat, ...attrs };
  const P = ATTRIBUTE_PRIORITY;

  const latencyMs =
    span.endTimeUnixNano === ZERO ? null : Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;

  let inputTokens = take("inputTokens", pickNumber(attrs, P.inputTokens));
  let outputTokens = take("outputTokens", pickNumber(attrs, P.outputTokens));
  const totalTokens = pickNumber(attrs, P.totalTokens)?.value ?? null;
  // A total with one side known gives the other; OpenLLMetry often sends only prompt + total.
  if (totalTokens !== null && inputTokens !== null && outputTokens === null && totalTokens >= inputTokens) {
    outputTokens = totalTokens - inputTokens;
  } else if (totalTokens !== null && outputTokens !== null && inputTokens === null && totalTokens >= outputTokens) {
    inputTokens = totalTokens - outputTokens;
  }

  // A part larger than its whole was counted apart from it (some instrumentations do): dropped rather than rejected.
  let cachedInputTokens = take("cachedInputTokens", pickNumber(attrs, P.cachedInputTokens));
  if (cachedInputTokens !== null && inputTokens !== null && cachedInputTokens > inputTokens) cachedInputTokens = null;
  let reasoningTokens = take("reasoningTokens", pickNumber(attrs, P.reasoningTokens));
  if (reasoningTokens !== null && outputTokens !== null && reasoningTokens > outputTokens) reasoningTokens = null;

  let ttftMs = ttft(span, attrs);
  if (ttftMs !== null && latencyMs !== null && ttftMs > latencyMs) ttftMs = null; // clock noise; drop rather than reject

  const status = errorOf(span, attrs);
  const resource = context.resource;

  const input = {
    id: `${span.traceId}-${span.spanId}`,
    timestamp: Number(span.startTimeUnixNano / NANOS_PER_MS),
    provider: take("provider", pickString(attrs, P.provider)),
    model: take("model", pickString(withInvocation, P.model)),
    modelVersion: take("modelVersion", pickString(attrs, P.modelVersion)),
    route: take("route", pickString(attrs, P.route) ?? pickString(resource, ["driftline.route"])),
    prompt: take("prompt", promptOf(attrs)),
    response: take("response", responseOf(attrs)),
    latencyMs,
    ttftMs,
    inputTokens,
    outputTokens,
    cachedInputTokens,
    reasoningTokens,
    costUsd: take("costUsd", pickNumber(attrs, P.costUsd)) ?? promptPlusCompletionCost(attrs),
    status: status.error === null ? "ok" : "error",
    error: status.error,
    finishReason: take("finishReason", finishReasonOf(attrs)),
    userId: take("userId", pickString(attrs, P.userId)),
    sessionId: take("sessionId", pickString(attrs, P.sessionId)),
    tags: tagsOf(attrs, resource),
    metadata: fitMetadata(metadataOf(span, context, attrs, invocation.params, totalTokens)),
    scores: scoresOf(span),
    expectedOutput: take("expectedOutput", pickString(attrs, P.expectedOutput)),
  };

  const result = validateNativeTrace(input, { now: options.now });
  if ("errors" in result) {
    return {
      kind: "rejected",
      errors: result.errors.map((e) => {
        const field = e.path.split(/[.[]/)[0] ?? "";
        const key = sources[field] === undefined ? undefined : translatedFrom(sources[field]);
        const rest = e.path.slice(field.length);
        if (SPAN_FIELDS[field]) return { path: `${spanPath}.${SPAN_FIELDS[field]}`, message: e.message };
        if (!key) return { path: `${spanPath}.${e.path}`, message: e.message };
        const path = `${spanPath}.attributes[${JSON.stringify(key)}]`;
        // A value read from a parent span is that span's to fix.
        if (!(key in spanAttrs) && inherited?.[key] !== undefined) {
          return { path, message: `${field}${rest} (inherited from a parent span) ${e.message}` };
        }
        // A prompt or response is built from JSON text or several attributes: name the attribute, say where inside.
        if (field === "prompt" || field === "response") return { path, message: rest ? `${field}${rest} ${e.message}` : e.message };
        return { path: path + rest, message: e.message };
      }),
    };
  }
  return { kind: "trace", trace: result.trace };
}

/** Span attributes, with GenAI content recorded on a details event as a lower-priority source. */
function withEventContent(span: OtlpSpan): Attributes {
  let extra: Attributes | null = null;
  for (const event of span.events) {
    if (CONTENT_EVENTS.has(event.name)) extra = { ...(extra ?? {}), ...event.attributes };
    // Pre-1.37 instrumentations: span events carrying the whole prompt/completion as JSON text.
    if (event.name === "gen_ai.content.prompt" && event.attributes["gen_ai.prompt"] !== undefined) {
      extra = { ...(extra ?? {}), "driftline.event.prompt": event.attributes["gen_ai.prompt"] };
    }
    if (event.name === "gen_ai.content.completion" && event.attributes["gen_ai.completion"] !== undefined) {
      extra = { ...(extra ?? {}), "driftline.event.completion": event.attributes["gen_ai.completion"] };
    }
  }
  return extra ? { ...extra, ...span.attributes } : span.attributes;
}

/** OpenInference `llm.invocation_parameters` (JSON text) → params, and its model as a pickable key. */
function invocationParameters(attrs: Attributes): { params: Record<string, unknown> | null; flat: Attributes } {
  const raw = attrs["llm.invocation_parameters"];
  const parsed = typeof raw === "string" ? parseJsonLoose(raw) : raw;
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { params: null, flat: {} };
  const params = parsed as Record<string, unknown>;
  const model = params.model ?? params.model_name;
  return { params, flat: typeof model === "string" ? { "llm.invocation_parameters.model": model } : {} };
}

/** The first source that yields text, with the attribute it came from (`prefix.*` for flattened groups), for error paths. */
function firstText(sources: Array<[string, () => TraceText | null]>): Picked<TraceText> {
  for (const [key, read] of sources) {
    const value = read();
    if (value !== null) return { value, key };
  }
  return null;
}

function promptOf(attrs: Attributes): Picked<TraceText> {
  const P = ATTRIBUTE_PRIORITY;
  const system = pickJson(attrs, P.systemInstructions) ?? stringAttr(attrs, P.systemInstructions);
  const systemMessage = system ? systemInstructionsMessage(system.value) : null;
  const messages = pickJson(attrs, P.inputMessages);
  const text = firstText([
    ["gen_ai.input.messages", () => (messages ? toTraceText(messages.value, "user") : null)],
    ["ai.prompt.messages", () => toTraceText(attrs["driftline.ai.prompt"], "user")],
    ["langfuse.observation.input", () => toTraceText(attrs["driftline.langfuse.input"], "user")],
    ["gen_ai.prompt.*", () => legacyMessages(attrs, "gen_ai.prompt", "user")],
    ["llm.input_messages.*", () => openInferenceMessages(attrs, "llm.input_messages", "user")],
    ["llm.prompts.*", () => openInferenceCompletionsText(attrs, "llm.prompts", "prompt.text")],
    ["gen_ai.content.prompt", () => toTraceText(attrs["driftline.event.prompt"], "user")],
    ["traceloop.entity.input", () => toTraceText(pickString(attrs, P.openLlmetryInput)?.value, "user")],
    ["input.value", () => toTraceText(pickString(attrs, P.openInferenceInput)?.value, "user")],
    ["gen_ai.prompt", () => toTraceText(pickString(attrs, ["gen_ai.prompt"])?.value, "user")],
  ]);
  if (!systemMessage) return text;
  if (text === null) return { value: [systemMessage], key: "gen_ai.system_instructions" };
  const rest = typeof text.value === "string" ? [{ role: "user", content: text.value }] : text.value;
  return { value: [systemMessage, ...rest], key: text.key };
}

function responseOf(attrs: Attributes): Picked<TraceText> {
  const P = ATTRIBUTE_PRIORITY;
  const messages = pickJson(attrs, P.outputMessages);
  return firstText([
    ["gen_ai.output.messages", () => (messages ? toTraceText(messages.value, "assistant") : null)],
    ["ai.response.text", () => toTraceText(attrs["driftline.ai.response"], "assistant")],
    ["langfuse.observation.output", () => toTraceText(attrs["driftline.langfuse.output"], "assistant")],
    ["gen_ai.completion.*", () => legacyMessages(attrs, "gen_ai.completion", "assistant")],
    ["llm.output_messages.*", () => openInferenceMessages(attrs, "llm.output_messages", "assistant")],
    ["llm.choices.*", () => openInferenceCompletionsText(attrs, "llm.choices", "completion.text")],
    ["gen_ai.content.completion", () => toTraceText(attrs["driftline.event.completion"], "assistant")],
    ["traceloop.entity.output", () => toTraceText(pickString(attrs, P.openLlmetryOutput)?.value, "assistant")],
    ["output.value", () => toTraceText(pickString(attrs, P.openInferenceOutput)?.value, "assistant")],
    ["gen_ai.completion", () => toTraceText(pickString(attrs, ["gen_ai.completion"])?.value, "assistant")],
  ]);
}

function stringAttr(attrs: Attributes, keys: readonly string[]): Picked<unknown> {
  return pickString(attrs, keys);
}

function legacyMessages(attrs: Attributes, prefix: string, role: string): TraceText | null {
  const groups = indexedGroups(attrs, prefix).filter((g) => Object.keys(g).length > 0);
  return groups.length > 0 ? groups.map((g) => legacyMessage(g, role)) : null;
}

function openInferenceMessages(attrs: Attributes, prefix: string, role: string): TraceText | null {
  const groups = indexedGroups(attrs, prefix);
  return groups.length > 0 ? groups.map((g) => openInferenceMessage(g, role)) : null;
}

/** OpenInference completions API: `llm.prompts.{i}.prompt.text` / `llm.choices.{i}.completion.text`. */
function openInferenceCompletionsText(attrs: Attributes, prefix: string, leaf: string): TraceText | null {
  const texts = indexedGroups(attrs, prefix)
    .map((g) => g[leaf])
    .filter((t): t is string => typeof t === "string");
  return texts.length > 0 ? texts.join("\n") : null;
}

function finishReasonOf(attrs: Attributes): Picked<string> {
  const [primary, ...rest] = ATTRIBUTE_PRIORITY.finishReason;
  const v = attrs[primary];
  const first = Array.isArray(v) ? v.find((x) => typeof x === "string" && x !== "") : undefined;
  if (typeof first === "string") return { value: first, key: primary };
  if (typeof v === "string" && v !== "") {
    const parsed = parseJsonLoose(v);
    const fromJson = Array.isArray(parsed) ? parsed.find((x) => typeof x === "string") : undefined;
    return { value: typeof fromJson === "string" ? fromJson : v, key: primary };
  }
  const fromMessages = finishReasonOfMessages(attrs["gen_ai.output.messages"] ?? null);
  if (fromMessages) return { value: fromMessages, key: "gen_ai.output.messages" };
  return pickString(attrs, rest);
}

function ttft(span: OtlpSpan, attrs: Attributes): number | null {
  const seconds = pickNumber(attrs, ATTRIBUTE_PRIORITY.ttftSeconds);
  if (seconds && seconds.value >= 0) return seconds.value * 1000;
  const langfuse = pickString(attrs, ["driftline.langfuse.completion_start_time", "langfuse.observation.completion_start_time"]);
  if (langfuse) {
    const at = Date.parse(langfuse.value);
    if (Number.isFinite(at)) {
      const ms = at - Number(span.startTimeUnixNano / NANOS_PER_MS);
      if (ms >= 0) return ms;
    }
  }
  const event = span.events.find(
    (e) => FIRST_TOKEN_EVENT.test(e.name) && !AI_SDK_STREAM_EVENT.test(e.name) && e.timeUnixNano >= span.startTimeUnixNano,
  );
  return event ? Number(event.timeUnixNano - span.startTimeUnixNano) / 1e6 : null;
}

/** Error when the span status is ERROR or `error.type` is set; the text prefers the status message. */
function errorOf(span: OtlpSpan, attrs: Attributes): { error: string | null } {
  const errorType = pickString(attrs, ["error.type"])?.value ?? null;
  if (span.status.code !== 2 && errorType === null) return { error: null };
  if (span.status.message) return { error: span.status.message };
  const exception = span.events.find((e) => e.name === "exception");
  if (exception) {
    const type = pickString(exception.attributes, ["exception.type"])?.value;
    const message = pickString(exception.attributes, ["exception.message"])?.value;
    if (type || message) return { error: [type, message].filter(Boolean).join(": ") };
  }
  return { error: errorType ?? "error" };
}

function promptPlusCompletionCost(attrs: Attributes): number | null {
  const prompt = pickNumber(attrs, ["llm.cost.prompt"])?.value;
  const completion = pickNumber(attrs, ["llm.cost.completion"])?.value;
  return prompt !== undefined && completion !== undefined ? prompt + completion : null;
}

function stringList(v: AttributeValue | undefined): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  if (typeof v === "string") {
    const parsed = parseJsonLoose(v);
    if (Array.isArray(parsed)) return parsed.filter((x): x is string => typeof x === "string");
    return v.split(",").map((s) => s.trim());
  }
  return [];
}

/** `tag.tags` (OpenInference), `driftline.tags`, and `env:<deployment.environment>` from the resource. */
function tagsOf(attrs: Attributes, resource: Attributes): string[] {
  const tags = [
    ...stringList(attrs["tag.tags"]),
    ...stringList(attrs["driftline.tags"]),
    ...stringList(attrs["driftline.ai.tags"]),
    ...stringList(attrs["driftline.langfuse.tags"]),
  ];
  const env = pickString(attrs, ["driftline.langfuse.environment"]) ?? pickString(resource, ["deployment.environment.name", "deployment.environment"]);
  if (env) tags.push(`env:${env.value}`);
  const clean = tags.map((t) => t.slice(0, NATIVE_LIMITS.maxTagLength)).filter((t) => t !== "");
  return [...new Set(clean)].slice(0, NATIVE_LIMITS.maxTags);
}

const RESOURCE_METADATA = [
  "service.name",
  "service.version",
  "service.namespace",
  "deployment.environment.name",
  "deployment.environment",
  "telemetry.sdk.language",
];

const CONSUMED_ASSOCIATION = new Set(["user_id", "session_id", "route"]);
const SPAN_KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"];

function metadataOf(
  span: OtlpSpan,
  context: SpanContext,
  attrs: Attributes,
  invocation: Record<string, unknown> | null,
  totalTokens: number | null,
): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  // The application's own metadata first, so our keys win on a clash.
  const oiMeta = attrs.metadata;
  const parsedMeta = typeof oiMeta === "string" ? parseJsonLoose(oiMeta) : oiMeta;
  if (parsedMeta && typeof parsedMeta === "object" && !Array.isArray(parsedMeta)) Object.assign(meta, parsedMeta);
  Object.assign(meta, aiSdkMetadata(attrs), langfuseMetadata(attrs));
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("traceloop.association.properties.")) {
      const name = key.slice("traceloop.association.properties.".length);
      if (!CONSUMED_ASSOCIATION.has(name)) meta[name] = value;
    } else if (key.startsWith("driftline.metadata.")) {
      meta[key.slice("driftline.metadata.".length)] = value;
    }
  }
  for (const key of RESOURCE_METADATA) {
    const v = context.resource[key];
    if (v !== undefined && v !== null) meta[key] = v;
  }
  const op = attrs["gen_ai.operation.name"];
  if (typeof op === "string") meta["gen_ai.operation.name"] = op;
  const responseId = pickString(attrs, ["gen_ai.response.id"]);
  if (responseId) meta["gen_ai.response.id"] = responseId.value;
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("gen_ai.request.") && key !== "gen_ai.request.model") params[key.slice("gen_ai.request.".length)] = value;
  }
  const requestParams = Object.keys(params).length > 0 ? params : invocation;
  if (requestParams) meta.requestParams = requestParams;
  if (totalTokens !== null) meta.totalTokens = totalTokens;
  meta.otel = {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId && !/^0+$/.test(span.parentSpanId) ? { parentSpanId: span.parentSpanId } : {}),
    spanName: span.name,
    spanKind: SPAN_KINDS[span.kind] ?? String(span.kind),
    ...(context.scope.name ? { scope: context.scope.version ? `${context.scope.name}@${context.scope.version}` : context.scope.name } : {}),
  };
  return meta;
}

function depthOf(v: unknown): number {
  if (v === null || typeof v !== "object") return 0;
  let max = 0;
  for (const x of Object.values(v)) max = Math.max(max, depthOf(x));
  return 1 + max;
}

/**
 * OTLP clients cannot fix a rejected span, so metadata is made to fit the
 * native limits instead of failing: values nested too deep become JSON text,
 * and the largest keys are dropped (named in `droppedKeys`) until it fits.
 */
function fitMetadata(meta: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    out[k] = depthOf(v) > NATIVE_LIMITS.maxMetadataDepth - 1 ? JSON.stringify(v) : v;
  }
  const size = () => Buffer.byteLength(JSON.stringify(out), "utf8");
  const dropped: string[] = [];
  while (size() > NATIVE_LIMITS.maxMetadataBytes - 1024) {
    const largest = Object.keys(out)
      .filter((k) => k !== "otel" && k !== "droppedKeys")
      .sort((a, b) => JSON.stringify(out[b]).length - JSON.stringify(out[a]).length)[0];
    if (largest === undefined) break;
    delete out[largest];
    dropped.push(largest.slice(0, 64));
    out.droppedKeys = dropped.slice(0, 20);
  }
  return out;
}

/** GenAI evaluation events (`gen_ai.evaluation.result`) → scores. */
function scoresOf(span: OtlpSpan): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const event of span.events) {
    if (event.name !== "gen_ai.evaluation.result") continue;
    const name = pickString(event.attributes, ["gen_ai.evaluation.name"])?.value;
    const value = pickNumber(event.attributes, ["gen_ai.evaluation.score.value"])?.value;
    if (name && value !== undefined && Number.isFinite(value)) scores[name.slice(0, NATIVE_LIMITS.maxScoreNameLength)] = value;
  }
  return scores;
}
