/**
 * The documented ingest rules (docs/ingest.md), written down a second time for
 * the fuzz suite's oracle. Deliberately independent of lib/ingest: if the two
 * disagree, one of them does not follow the documentation.
 */

export const RULES = {
  maxBatchItems: 1000,
  maxBodyBytes: 10 * 1024 * 1024,
  maxIdLength: 256,
  maxLabelLength: 256,
  maxTextLength: 1_000_000,
  maxTags: 50,
  maxTagLength: 128,
  maxScores: 100,
  maxScoreNameLength: 128,
  maxMetadataBytes: 32_768,
  maxMetadataDepth: 5,
  maxJsonDepth: 64,
  maxLatencyMs: 86_400_000,
  maxTokens: 100_000_000,
  maxCostUsd: 1_000_000,
  /** cost_usd is numeric(18,10): stored to 10 decimal places. */
  costDecimals: 10,
  minTimestampMs: Date.UTC(2000, 0, 1),
  maxFutureSkewMs: 86_400_000,
} as const;

/** "U+0000 (NUL) is removed, and an unpaired UTF-16 surrogate becomes U+FFFD." */
export function storedString(value: string): string {
  const withoutNul = value.split("\u0000").join("");
  let out = "";
  for (let i = 0; i < withoutNul.length; i++) {
    const code = withoutNul.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = withoutNul.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += withoutNul.slice(i, i + 2);
        i++;
      } else {
        out += "\uFFFD";
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      out += "\uFFFD";
    } else {
      out += withoutNul[i];
    }
  }
  return out;
}

/** "The same rule applies to metadata keys and values." */
export function storedJson(value: unknown): unknown {
  if (typeof value === "string") return storedString(value);
  if (Array.isArray(value)) return value.map(storedJson);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storedString(k), storedJson(v)]));
  }
  return value;
}

/** True when two keys of one object (at any depth) become the same key once stored; the docs leave that case open. */
export function hasStoredKeyClash(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasStoredKeyClash);
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).map(storedString);
    if (new Set(keys).size !== keys.length) return true;
    return Object.values(value).some(hasStoredKeyClash);
  }
  return false;
}

/** Nesting depth: scalars 0, `{}`/`[]` 1. */
export function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  let max = 0;
  for (const v of Object.values(value)) max = Math.max(max, depthOf(v));
  return 1 + max;
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}

/** A path segment as the answers write it: `.name` for identifiers, `["a b"]` otherwise. */
export function pathKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
