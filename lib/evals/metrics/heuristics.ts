/**
 * Heuristic metrics: no reference, no model. Each is a pure function of the response (and the
 * prompt or finish reason where said); the registry in index.ts turns them into 0/1 flags or counts.
 */
import { isRefusal } from "../../ingest/refusal";
import { REDACTION_PLACEHOLDERS, redactText, type RedactionCounts, type RedactionKind } from "../../ingest/redact";

export { isRefusal };

/** Missing, or nothing but whitespace. */
export const isEmptyResponse = (response: string | null): boolean => response === null || response.trim() === "";

/** Finish reasons that mean "the token limit cut the answer", across providers (compared lowercased). */
export const LENGTH_FINISH_REASONS: ReadonlySet<string> = new Set([
  "length", // OpenAI, most OpenAI-compatible servers
  "max_tokens", // Anthropic, Bedrock
  "max_output_tokens", // OpenAI Responses API (incomplete_details.reason)
  "model_length", // vLLM / Mistral when the context is full
  "token_limit",
]);

/** Characters after which a text can end a sentence (closing quotes and brackets included). */
const CLOSING = /[.!?…。！？」』）)\]}"'”’`*_>|~]$/u;
/** Lines that end a text without punctuation by nature: list items, headings, table rows, code fences. */
const STRUCTURED_LINE = /^\s*(?:[-*+•]\s|\d+[.)]\s|#{1,6}\s|\||```|~~~)/;

/**
 * The finish reason says the token limit was hit; or, with `midSentence`, the text stops where a
 * sentence cannot end: its last non-space character is a letter, digit, comma, semicolon, colon,
 * dash or opening bracket, and its last line is not a list item, heading, table row or code fence.
 */
export function isTruncated(response: string, finishReason: string | null, options: { midSentence: boolean }): boolean {
  if (finishReason && LENGTH_FINISH_REASONS.has(finishReason.toLowerCase())) return true;
  if (!options.midSentence) return false;
  const text = response.trimEnd();
  if (text === "") return false;
  if (CLOSING.test(text)) return false;
  const lastLine = text.slice(text.lastIndexOf("\n") + 1);
  if (STRUCTURED_LINE.test(lastLine)) return false;
  return /[\p{L}\p{N},;:\-–—([{]$/u.test(text);
}

/** Unicode code points (an emoji is 1, not 2 UTF-16 units). */
export function countChars(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++; // low surrogates belong to the code point before them
  }
  return n;
}

/** Runs of non-whitespace characters: whitespace-separated words (a token count for most languages). */
export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
    if (space) inWord = false;
    else if (!inWord) {
      inWord = true;
      n++;
    }
  }
  return n;
}

/** A response that is exactly one fenced block, optionally tagged json: ```json … ``` */
const CODE_FENCE = /^```[ \t]*(?:json|JSON)?[ \t]*\r?\n([\s\S]*?)\r?\n?```$/;

/** The response, trimmed, parsed as JSON (or the inside of one ```json fence, when allowed). */
export function parseJsonResponse(response: string, allowCodeFence: boolean): { ok: true; value: unknown } | { ok: false } {
  let text = response.trim();
  if (allowCodeFence) {
    const fenced = CODE_FENCE.exec(text);
    if (fenced) text = fenced[1]!;
  }
  if (text === "") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function matchesAny(response: string, needles: readonly string[], options: { mode: "any" | "all"; caseSensitive: boolean }): boolean {
  const haystack = options.caseSensitive ? response : response.toLowerCase();
  return options.mode === "all" ? needles.every((n) => haystack.includes(n)) : needles.some((n) => haystack.includes(n));
}

/**
 * PII in a response, counted by Driftline's ingest redaction detectors (lib/ingest/redact.ts) on the
 * text as given. Placeholders left by redaction at ingest (`[EMAIL]`…) count as one match each, so
 * the count is the same whether the evaluator sees the raw text or the stored, redacted one.
 */
export function countPii(response: string, kinds: ReadonlySet<RedactionKind>): RedactionCounts {
  const counts: RedactionCounts = { ...redactText(response, { kinds }).counts };
  if (response.includes("[")) {
    for (const kind of kinds) {
      const placeholder = REDACTION_PLACEHOLDERS[kind];
      let n = 0;
      for (let i = response.indexOf(placeholder); i !== -1; i = response.indexOf(placeholder, i + placeholder.length)) n++;
      if (n > 0) counts[kind] = (counts[kind] ?? 0) + n;
    }
  }
  return counts;
}

export { compileSafeRegex, mayBacktrackUnboundedly, regexProblem, REGEX_MAX_INPUT_LENGTH, REGEX_MAX_PATTERN_LENGTH, REGEX_TIMEOUT_MS } from "./safe-regex";
export { compileJsonSchema, jsonSchemaProblem } from "./json-schema";
export { detectLanguage, type LanguageOptions } from "./language";
