/** Typed reads of OTLP attributes: the first key of a priority list that holds a usable value wins. */
import { NATIVE_LIMITS, nestsDeeperThan } from "../native-schema";
import type { AttributeValue, Attributes } from "./types";

/** A value and the attribute key it came from (for error paths and docs). */
export type Picked<T> = { value: T; key: string } | null;

export function pickString(attrs: Attributes, keys: readonly string[]): Picked<string> {
  for (const key of keys) {
    const v = attrs[key];
    if (typeof v === "string" && v.trim() !== "") return { value: v, key };
    if (typeof v === "number" || typeof v === "boolean") return { value: String(v), key };
  }
  return null;
}

export function pickNumber(attrs: Attributes, keys: readonly string[]): Picked<number> {
  for (const key of keys) {
    const v = attrs[key];
    if (typeof v === "number") return { value: v, key };
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return { value: Number(v), key };
  }
  return null;
}

/** A value that may be structured or recorded as a JSON string (GenAI content attributes allow both). */
export function pickJson(attrs: Attributes, keys: readonly string[]): Picked<unknown> {
  for (const key of keys) {
    const v = attrs[key];
    if (v === undefined || v === null) continue;
    if (typeof v === "string") {
      const parsed = parseJsonLoose(v);
      if (parsed !== undefined) return { value: parsed, key };
      continue;
    }
    return { value: v, key };
  }
  return null;
}

/**
 * JSON.parse for strings that look like JSON objects/arrays; undefined otherwise,
 * and also when the value nests deeper than `NATIVE_LIMITS.maxJsonDepth` (the
 * mapping recurses over it), so such text is treated as plain text.
 */
export function parseJsonLoose(text: string): unknown {
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
  return nestsDeeperThan(parsed, NATIVE_LIMITS.maxJsonDepth) ? undefined : parsed;
}

/** `prefix.{i}.rest` keys grouped by index, in index order: [{rest: value}, …]. */
export function indexedGroups(attrs: Attributes, prefix: string): Array<Record<string, AttributeValue>> {
  const groups = new Map<number, Record<string, AttributeValue>>();
  const p = `${prefix}.`;
  for (const [key, value] of Object.entries(attrs)) {
    if (!key.startsWith(p)) continue;
    const rest = key.slice(p.length);
    const dot = rest.indexOf(".");
    const indexText = dot === -1 ? rest : rest.slice(0, dot);
    if (!/^\d{1,6}$/.test(indexText)) continue;
    const index = Number(indexText);
    let group = groups.get(index);
    if (!group) groups.set(index, (group = {}));
    group[dot === -1 ? "" : rest.slice(dot + 1)] = value;
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

export function hasKeyWithPrefix(attrs: Attributes, prefixes: readonly string[]): boolean {
  for (const key of Object.keys(attrs)) {
    for (const p of prefixes) if (key === p || key.startsWith(p)) return true;
  }
  return false;
}
