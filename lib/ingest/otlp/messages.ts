/**
 * Prompt/response text in the shapes the conventions use, turned into
 * `TraceText`: GenAI `{role, parts:[{type:"text", content}]}` messages,
 * OpenAI-style `{role, content}` messages, flattened
 * `gen_ai.prompt.{i}.*` / `llm.input_messages.{i}.message.*` attributes, and
 * free-form strings.
 */
import type { ChatMessage, TraceText } from "../types";
import { parseJsonLoose } from "./attributes";
import type { AttributeValue } from "./types";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

const TEXT_TYPES = new Set(["text", "input_text", "output_text"]);

function textOf(part: Obj): string | null {
  const type = typeof part.type === "string" ? part.type : "text";
  if (!TEXT_TYPES.has(type)) return null;
  if (typeof part.content === "string") return part.content;
  if (typeof part.text === "string") return part.text;
  return null;
}

/** Text parts become `content` (joined by newlines); every other part is kept in `parts`. */
function splitParts(items: unknown[]): { content: string; parts: unknown[] } {
  const texts: string[] = [];
  const parts: unknown[] = [];
  for (const item of items) {
    if (typeof item === "string") texts.push(item);
    else if (isObj(item)) {
      const t = textOf(item);
      if (t !== null) texts.push(t);
      else parts.push(item);
    }
  }
  return { content: texts.join("\n"), parts };
}

const MESSAGE_FIELDS = new Set(["role", "content", "parts", "name", "finish_reason", "finishReason"]);

/** One message object of any common shape → ChatMessage. */
export function toChatMessage(obj: Obj, defaultRole: string): ChatMessage {
  const role = typeof obj.role === "string" && obj.role !== "" ? obj.role : defaultRole;
  let content = "";
  const parts: unknown[] = [];
  if (Array.isArray(obj.parts)) {
    const split = splitParts(obj.parts);
    content = split.content;
    parts.push(...split.parts);
  }
  if (typeof obj.content === "string") {
    content = content ? `${content}\n${obj.content}` : obj.content;
  } else if (Array.isArray(obj.content)) {
    const split = splitParts(obj.content);
    content = content ? `${content}\n${split.content}` : split.content;
    parts.push(...split.parts);
  }
  for (const [key, value] of Object.entries(obj)) {
    if (!MESSAGE_FIELDS.has(key) && value !== undefined && value !== null) parts.push({ type: key, value });
  }
  const message: ChatMessage = { role, content };
  if (typeof obj.name === "string" && obj.name !== "") message.name = obj.name;
  if (parts.length > 0) message.parts = parts;
  return message;
}

function looksLikeMessage(v: unknown): v is Obj {
  return isObj(v) && (typeof v.role === "string" || Array.isArray(v.parts));
}

/**
 * Any JSON value a convention uses for a prompt or response → TraceText:
 * message arrays, `{messages:[…]}`, a single message, a parts array, or text.
 * Other structured values are kept as their JSON text.
 */
export function toTraceText(value: unknown, defaultRole: string): TraceText | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") {
    const parsed = parseJsonLoose(value);
    if (parsed !== undefined) {
      const structured = structuredText(parsed, defaultRole);
      if (structured !== null) return structured;
    }
    return value === "" ? null : value;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return structuredText(value, defaultRole) ?? JSON.stringify(value);
}

function structuredText(value: unknown, defaultRole: string): TraceText | null {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(looksLikeMessage)) return value.map((m) => toChatMessage(m, defaultRole));
    if (value.length > 0 && value.every((p) => isObj(p) && typeof p.type === "string")) {
      return [toChatMessage({ parts: value }, defaultRole)];
    }
    return null;
  }
  if (isObj(value)) {
    if (Array.isArray(value.messages)) return structuredText(value.messages, defaultRole);
    if (looksLikeMessage(value)) return [toChatMessage(value, defaultRole)];
  }
  return null;
}

/** GenAI `gen_ai.system_instructions`: a parts array (or plain text) → one system message. */
export function systemInstructionsMessage(value: unknown): ChatMessage | null {
  if (typeof value === "string") {
    const parsed = parseJsonLoose(value);
    if (parsed === undefined) return value ? { role: "system", content: value } : null;
    value = parsed;
  }
  if (Array.isArray(value)) {
    if (value.every(looksLikeMessage)) {
      const msgs = value.map((m) => toChatMessage(m, "system"));
      return { role: "system", content: msgs.map((m) => m.content).join("\n") };
    }
    const m = toChatMessage({ role: "system", parts: value }, "system");
    return m.content || m.parts ? m : null;
  }
  return null;
}

/** `{"tool_calls.0.name": "f"}` → `{tool_calls: [{name: "f"}]}` (numeric segments become arrays). */
export function unflatten(flat: Record<string, AttributeValue>): Obj {
  const root: Obj = {};
  for (const [key, value] of Object.entries(flat)) {
    if (key === "") continue;
    const segs = key.split(".");
    let cur: Obj | unknown[] = root;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const last = i === segs.length - 1;
      const slot: string | number = Array.isArray(cur) && /^\d+$/.test(seg) ? Number(seg) : seg;
      const container = cur as Record<string | number, unknown>;
      if (last) {
        container[slot] = value;
        break;
      }
      let next = container[slot];
      if (next === undefined) {
        next = /^\d+$/.test(segs[i + 1]!) ? [] : {};
        container[slot] = next;
      }
      if (next === null || typeof next !== "object") break; // a scalar already sits here
      cur = next as Obj | unknown[];
    }
  }
  return root;
}

function compact<T>(items: Array<T | undefined>): T[] {
  return items.filter((x): x is T => x !== undefined);
}

/** OpenLLMetry / legacy `gen_ai.prompt.{i}.*`: role, content (text or JSON parts), tool_calls.{k}.*. */
export function legacyMessage(group: Record<string, AttributeValue>, defaultRole: string): ChatMessage {
  const g = unflatten(group);
  const obj: Obj = { role: g.role };
  if (typeof g.content === "string") {
    const parsed = parseJsonLoose(g.content);
    obj.content = Array.isArray(parsed) ? parsed : g.content;
  }
  const message = toChatMessage(obj, defaultRole);
  const toolCalls = Array.isArray(g.tool_calls) ? compact(g.tool_calls as Array<Obj | undefined>) : [];
  const extra: unknown[] = toolCalls.map((tc) => ({ type: "tool_call", ...tc }));
  if (typeof g.tool_call_id === "string") extra.push({ type: "tool_call_id", value: g.tool_call_id });
  if (extra.length > 0) message.parts = [...(message.parts ?? []), ...extra];
  return message;
}

/** OpenInference `llm.input_messages.{i}.message.*`: role, content or contents.{j}.message_content.*, tool_calls. */
export function openInferenceMessage(group: Record<string, AttributeValue>, defaultRole: string): ChatMessage {
  const m = (unflatten(group).message ?? {}) as Obj;
  const obj: Obj = { role: m.role, name: m.name };
  if (typeof m.content === "string") obj.content = m.content;
  else if (Array.isArray(m.contents)) {
    obj.content = compact(m.contents as Array<Obj | undefined>).map((c) => {
      const mc = (c.message_content ?? {}) as Obj;
      return typeof mc.text === "string" ? { type: "text", text: mc.text } : { type: String(mc.type ?? "unknown"), ...mc };
    });
  }
  const message = toChatMessage(obj, defaultRole);
  const toolCalls = Array.isArray(m.tool_calls) ? compact(m.tool_calls as Array<Obj | undefined>) : [];
  const extra: unknown[] = toolCalls.map((tc) => ({ type: "tool_call", ...((tc.tool_call ?? {}) as Obj) }));
  if (typeof m.tool_call_id === "string") extra.push({ type: "tool_call_id", value: m.tool_call_id });
  if (extra.length > 0) message.parts = [...(message.parts ?? []), ...extra];
  return message;
}

/** The first finish_reason found on GenAI output messages. */
export function finishReasonOfMessages(value: unknown): string | null {
  if (typeof value === "string") value = parseJsonLoose(value);
  if (!Array.isArray(value)) return null;
  for (const m of value) {
    if (isObj(m) && typeof m.finish_reason === "string" && m.finish_reason) return m.finish_reason;
  }
  return null;
}
