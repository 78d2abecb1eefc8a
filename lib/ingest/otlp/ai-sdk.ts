/**
 * The Vercel AI SDK's own span format (`ai.*` attributes: AI SDK ≤ 6 with
 * `experimental_telemetry`, and v7's `LegacyOpenTelemetry`), and what v7's
 * GenAI-convention spans (`@ai-sdk/otel`'s `OpenTelemetry`) add to the
 * conventions. Everything here is translated into the keys the generic
 * mapping already reads, so one priority list decides every field.
 */
import type { ChatMessage, TraceText } from "../types";
import { parseJsonLoose, pickNumber, pickString } from "./attributes";
import { toChatMessage, toTraceText } from "./messages";
import type { AttributeValue, Attributes } from "./types";

/** One provider call: the span that becomes the trace. */
const CALL_OPERATIONS = new Set([
  "ai.generateText.doGenerate",
  "ai.streamText.doStream",
  "ai.generateObject.doGenerate",
  "ai.streamObject.doStream",
]);

/** The whole SDK call around one or more provider calls (one per step). */
export const OUTER_OPERATIONS = new Set(["ai.generateText", "ai.streamText", "ai.generateObject", "ai.streamObject"]);

export function aiSdkOperation(attrs: Attributes): string | null {
  const op = attrs["ai.operationId"];
  return typeof op === "string" && op !== "" ? op : null;
}

/** null when the span is one provider call; otherwise why it is not stored. */
export function aiSdkSkipReason(operation: string): string | null {
  if (CALL_OPERATIONS.has(operation)) return null;
  if (OUTER_OPERATIONS.has(operation)) {
    return `AI SDK span "${operation}" wraps the call; its ${operation.includes("stream") ? "doStream" : "doGenerate"} span is stored`;
  }
  return `AI SDK span "${operation}" is not an LLM call`;
}

/**
 * The AI SDK's provider ids are `<provider>.<api>` (`openai.chat`,
 * `openai.responses`, `anthropic.messages`, `google.generative-ai`,
 * `google.vertex.chat`): the API part is dropped so a project sees one name
 * per provider whichever API or SDK version called it.
 */
export function normalizeAiSdkProvider(provider: string): string {
  const dot = provider.lastIndexOf(".");
  return dot > 0 ? provider.slice(0, dot) : provider;
}

/** Span attributes that an ancestor span passes down to the model calls below it. */
export function isInheritedKey(key: string): boolean {
  return (
    key.startsWith("ai.telemetry.metadata.") ||
    key.startsWith("ai.settings.context.") ||
    key === "ai.telemetry.functionId" ||
    key === "gen_ai.agent.name" ||
    key === "user.id" ||
    key === "session.id" ||
    key === "gen_ai.conversation.id" ||
    key.startsWith("langfuse.trace.") ||
    key === "langfuse.user.id" ||
    key === "langfuse.session.id"
  );
}

/** Where the AI SDK documents user, session and tags: `experimental_telemetry.metadata` (≤ 6) or the runtime context (7). */
const CONTEXT_PREFIXES = ["ai.telemetry.metadata.", "ai.settings.context."];
const CONSUMED_CONTEXT = new Set(["userId", "sessionId", "tags"]);

function contextValue(attrs: Attributes, name: string): { value: AttributeValue; key: string } | null {
  for (const prefix of CONTEXT_PREFIXES) {
    const v = attrs[prefix + name];
    if (v !== undefined && v !== null) return { value: v, key: prefix + name };
  }
  return null;
}

/** Attributes translated from a client format, and for each the attribute it was read from (for error paths). */
export type Translated = { attributes: Attributes; sources: Record<string, string> };

export function translator(): Translated & { set(key: string, value: AttributeValue | undefined, from: string): void } {
  const attributes: Attributes = {};
  const sources: Record<string, string> = {};
  return {
    attributes,
    sources,
    set(key, value, from) {
      if (value === undefined || value === null || attributes[key] !== undefined) return;
      attributes[key] = value;
      sources[key] = from;
    },
  };
}

/**
 * `ai.*` attributes → the conventions' keys (GenAI first), as extra
 * attributes of lower priority than the span's own. Empty for spans that
 * carry none.
 */
export function aiSdkAttributes(attrs: Attributes): Translated {
  const out = translator();
  const set = out.set;
  const setPicked = (key: string, picked: { value: AttributeValue; key: string } | null) => set(key, picked?.value, picked?.key ?? "");
  const isAiSdk = aiSdkOperation(attrs) !== null;
  if (isAiSdk) {
    const provider = pickString(attrs, ["ai.model.provider", "gen_ai.system"]);
    // The span's own gen_ai.system carries the raw id (`openai.chat`): the normalised name takes its place.
    if (provider) set("driftline.provider", normalizeAiSdkProvider(provider.value), provider.key);
    set("gen_ai.request.model", attrs["ai.model.id"], "ai.model.id");
    set("gen_ai.response.model", attrs["ai.response.model"], "ai.response.model");
    set("gen_ai.response.id", attrs["ai.response.id"], "ai.response.id");
    setPicked("gen_ai.usage.input_tokens", pickNumber(attrs, ["ai.usage.inputTokens", "ai.usage.promptTokens"]));
    setPicked("gen_ai.usage.output_tokens", pickNumber(attrs, ["ai.usage.outputTokens", "ai.usage.completionTokens"]));
    setPicked("gen_ai.usage.total_tokens", pickNumber(attrs, ["ai.usage.totalTokens", "ai.usage.tokens"]));
    const finish = pickString(attrs, ["ai.response.finishReason"]);
    if (finish) set("gen_ai.response.finish_reasons", [finish.value], finish.key);
    // The span attribute, never the `ai.stream.firstChunk` event's time: v7's legacy format adds that event at the span's end.
    const msToFirstChunk = pickNumber(attrs, ["ai.response.msToFirstChunk", "ai.stream.msToFirstChunk"]);
    if (msToFirstChunk && msToFirstChunk.value >= 0) set("gen_ai.response.time_to_first_chunk", msToFirstChunk.value / 1000, msToFirstChunk.key);
    const prompt = aiSdkPrompt(attrs);
    if (prompt !== null) set("driftline.ai.prompt", typeof prompt === "string" ? prompt : JSON.stringify(prompt), "ai.prompt.messages");
    const response = aiSdkResponse(attrs);
    if (response !== null) set("driftline.ai.response", typeof response === "string" ? response : JSON.stringify(response), "ai.response.text");
  }
  // Usage details: the AI SDK's names (≤ 6, legacy, and v7 with `usage: true`) for the conventions' parts.
  setPicked("gen_ai.usage.cache_read.input_tokens", pickNumber(attrs, ["ai.usage.cachedInputTokens", "ai.usage.inputTokenDetails.cacheReadTokens"]));
  setPicked("gen_ai.usage.reasoning.output_tokens", pickNumber(attrs, ["ai.usage.reasoningTokens", "ai.usage.outputTokenDetails.reasoningTokens"]));
  // v7's GenAI spans: time to first chunk as a client operation attribute, in seconds.
  setPicked("gen_ai.response.time_to_first_chunk", pickNumber(attrs, ["gen_ai.client.operation.time_to_first_chunk"]));

  for (const [name, key] of [
    ["userId", "user.id"],
    ["sessionId", "session.id"],
  ] as const) {
    const found = contextValue(attrs, name);
    if (found && (typeof found.value === "string" || typeof found.value === "number")) set(key, String(found.value), found.key);
  }
  const tags = contextValue(attrs, "tags");
  if (tags) set("driftline.ai.tags", tags.value, tags.key);
  return { attributes: out.attributes, sources: out.sources };
}

/** Application metadata from `ai.telemetry.metadata.*` / `ai.settings.context.*`, and the function id. */
export function aiSdkMetadata(attrs: Attributes): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attrs)) {
    const prefix = CONTEXT_PREFIXES.find((p) => key.startsWith(p));
    if (!prefix) continue;
    const name = key.slice(prefix.length);
    if (name !== "" && !CONSUMED_CONTEXT.has(name) && value !== null) meta[name] = value;
  }
  const functionId = pickString(attrs, ["ai.telemetry.functionId", "gen_ai.agent.name"]);
  if (functionId) meta.functionId = functionId.value;
  return meta;
}

/**
 * The prompt of one provider call: `ai.prompt.messages` (the messages sent),
 * else the caller's `ai.prompt` (`{system, prompt}` or `{system, messages}`).
 */
function aiSdkPrompt(attrs: Attributes): TraceText | null {
  const messages = attrs["ai.prompt.messages"];
  if (messages !== undefined && messages !== null) {
    const text = toTraceText(messages, "user");
    if (text !== null) return text;
  }
  const raw = attrs["ai.prompt"];
  const prompt = typeof raw === "string" ? (parseJsonLoose(raw) ?? raw) : raw;
  if (prompt === undefined || prompt === null) return null;
  if (typeof prompt === "string") return prompt === "" ? null : prompt;
  if (typeof prompt !== "object" || Array.isArray(prompt)) return toTraceText(prompt, "user");
  const p = prompt as Record<string, unknown>;
  const out: ChatMessage[] = [];
  if (typeof p.system === "string" && p.system !== "") out.push({ role: "system", content: p.system });
  if (typeof p.prompt === "string") out.push({ role: "user", content: p.prompt });
  else if (p.prompt !== undefined && p.prompt !== null) {
    const text = toTraceText(p.prompt, "user");
    if (typeof text === "string") out.push({ role: "user", content: text });
    else if (text) out.push(...text);
  }
  if (Array.isArray(p.messages)) {
    const text = toTraceText(p.messages, "user");
    if (Array.isArray(text)) out.push(...text);
  }
  return out.length > 0 ? out : null;
}

/** `ai.response.text` (or `.object`), with `ai.response.toolCalls` kept as tool-call parts of one assistant message. */
function aiSdkResponse(attrs: Attributes): TraceText | null {
  const text = pickString(attrs, ["ai.response.text", "ai.response.object"])?.value ?? null;
  const raw = attrs["ai.response.toolCalls"];
  const calls = typeof raw === "string" ? parseJsonLoose(raw) : raw;
  const toolCalls = Array.isArray(calls) ? calls : [];
  if (toolCalls.length === 0) return text;
  const message = toChatMessage({ role: "assistant", content: text ?? "" }, "assistant");
  message.parts = toolCalls.map((call) => ({ type: "tool_call", ...(call !== null && typeof call === "object" ? call : { value: call }) }));
  return [message];
}
