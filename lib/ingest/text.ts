import type { TraceText } from "./types";

/**
 * The text Driftline embeds and searches for a prompt: the last user turn of a
 * chat (what the user actually asked), or the whole string. System prompts and
 * earlier turns are left out so that drift in what users ask is not drowned by
 * a long, constant system prompt.
 */
export function promptToText(prompt: TraceText | null): string | null {
  if (prompt === null) return null;
  if (typeof prompt === "string") return prompt;
  for (let i = prompt.length - 1; i >= 0; i--) {
    const message = prompt[i];
    if (message && message.role === "user" && message.content.trim() !== "") return message.content;
  }
  const joined = prompt.map((m) => m.content).filter((c) => c.trim() !== "").join("\n");
  return joined === "" ? null : joined;
}

/** The response's text: the assistant turns joined, or the whole string. */
export function responseToText(response: TraceText | null): string | null {
  if (response === null) return null;
  if (typeof response === "string") return response;
  const assistant = response.filter((m) => m.role === "assistant" || m.role === "model");
  const chosen = assistant.length > 0 ? assistant : response;
  const joined = chosen.map((m) => m.content).filter((c) => c.trim() !== "").join("\n");
  return joined === "" ? null : joined;
}
