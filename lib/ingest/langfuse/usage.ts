/**
 * Token usage of a Langfuse generation, from either of its two fields, in one
 * shape. `usage` is the older `{input, output, total, unit, *Cost}` (or
 * OpenAI-style `{promptTokens, completionTokens, totalTokens}`); `usageDetails`
 * is `{input, output, total, <other kinds>}` or the provider's usage object as
 * returned (`{prompt_tokens, completion_tokens, prompt_tokens_details: {cached_tokens}}`,
 * or the Responses API's `{input_tokens, output_tokens, …_details}`).
 */
export type UsageFields = {
  /** Every input token, cached ones included. */
  input?: number;
  /** Every output token, reasoning ones included. */
  output?: number;
  total?: number;
  cachedInput?: number;
  reasoning?: number;
  /** Langfuse's unit when it is not TOKENS (CHARACTERS, IMAGES, …): then the counts are not tokens. */
  unit?: string;
  inputCost?: number;
  outputCost?: number;
  totalCost?: number;
  /** The usage details as sent, flattened to `{kind: count}`, kept in metadata. */
  details?: Record<string, number>;
};

type Counts = Record<string, number | Record<string, number | null | undefined> | null>;
type LegacyUsage = {
  input?: number | null;
  output?: number | null;
  total?: number | null;
  unit?: string | null;
  promptTokens?: number | null;
  completionTokens?: number | null;
  totalTokens?: number | null;
  inputCost?: number | null;
  outputCost?: number | null;
  totalCost?: number | null;
};

const CACHED_INPUT_KEYS = ["input_cached_tokens", "input_cache_read", "cache_read_input_tokens", "input_cached", "input_cache_read_tokens"];
const REASONING_KEYS = ["output_reasoning_tokens", "output_reasoning"];

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Flattens a provider usage object (`prompt_tokens_details.cached_tokens` → `input_cached_tokens`). */
function flatten(details: Counts): Record<string, number> {
  const out: Record<string, number> = {};
  const renames: Record<string, string> = {
    prompt_tokens: "input",
    completion_tokens: "output",
    total_tokens: "total",
    input_tokens: "input",
    output_tokens: "output",
  };
  const detailPrefix: Record<string, string> = {
    prompt_tokens_details: "input",
    input_tokens_details: "input",
    completion_tokens_details: "output",
    output_tokens_details: "output",
  };
  // A provider object counts the details inside its totals; Langfuse's own shape counts them apart.
  const providerShape = Object.keys(details).some((k) => k in renames);
  for (const [key, value] of Object.entries(details)) {
    if (typeof value === "number") out[providerShape ? (renames[key] ?? key) : key] = value;
    else if (value && typeof value === "object") {
      const prefix = detailPrefix[key] ?? key;
      for (const [inner, v] of Object.entries(value)) if (typeof v === "number") out[`${prefix}_${inner}`] = v;
    }
  }
  if (providerShape) out.__inclusive = 1;
  return out;
}

export function normalizeUsage(
  usage: LegacyUsage | null,
  usageDetails: Counts | null,
): { usage: UsageFields | null } | { error: { path: string; message: string } } {
  const out: UsageFields = {};
  if (usage) {
    const unit = usage.unit ?? undefined;
    const tokens = !unit || unit.toUpperCase() === "TOKENS";
    const input = num(usage.input) ?? num(usage.promptTokens);
    const output = num(usage.output) ?? num(usage.completionTokens);
    const total = num(usage.total) ?? num(usage.totalTokens);
    if (tokens) Object.assign(out, clean({ input, output, total }));
    else out.unit = unit;
    Object.assign(out, clean({ inputCost: num(usage.inputCost), outputCost: num(usage.outputCost), totalCost: num(usage.totalCost) }));
  }
  if (usageDetails && Object.keys(usageDetails).length > 0) {
    const flat = flatten(usageDetails);
    const inclusive = flat.__inclusive === 1;
    delete flat.__inclusive;
    const cachedInput = CACHED_INPUT_KEYS.map((k) => flat[k]).find((v) => v !== undefined);
    const reasoning = REASONING_KEYS.map((k) => flat[k]).find((v) => v !== undefined);
    let input: number | undefined;
    let output: number | undefined;
    if (inclusive) {
      input = flat.input;
      output = flat.output;
    } else {
      // Langfuse counts each kind apart (input excludes cached input): Driftline's input is their sum.
      const sum = (keys: string[]) => (keys.length === 0 ? undefined : keys.reduce((s, k) => s + flat[k]!, 0));
      input = sum(Object.keys(flat).filter((k) => /^input($|_)/.test(k) || (/cache/.test(k) && /input/.test(k))));
      output = sum(Object.keys(flat).filter((k) => /^output($|_)/.test(k)));
    }
    if (input !== undefined) out.input = input;
    if (output !== undefined) out.output = output;
    if (flat.total !== undefined) out.total = flat.total;
    if (cachedInput !== undefined) out.cachedInput = cachedInput;
    if (reasoning !== undefined) out.reasoning = reasoning;
    delete out.unit;
    out.details = flat;
  }
  if (out.cachedInput !== undefined && out.input !== undefined && out.cachedInput > out.input) {
    return { error: { path: "usageDetails", message: "cached input tokens must not exceed the input tokens" } };
  }
  return { usage: Object.keys(out).length > 0 ? out : null };
}

function clean<T extends Record<string, number | undefined>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
