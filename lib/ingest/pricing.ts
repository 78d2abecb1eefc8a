/**
 * The cost of one LLM call when the client sent none: from the project's own
 * price overrides first, then from the bundled price table of
 * `@pydantic/genai-prices` (read from the package, never fetched at run time).
 * Pure: no database, no clock, no network. See docs/ingest.md, "Cost".
 */
import { calcPrice, findProvider, type Provider } from "@pydantic/genai-prices";
import { NATIVE_LIMITS } from "./native-schema";

/** The price table's name and version, stored on every trace it priced (kept equal to the pinned package by a test). */
export const PRICE_TABLE_VERSION = "genai-prices 0.1.8";

export type CostSource = "client" | "price_table" | "override";

export type PricedCost = {
  costUsd: number;
  source: CostSource;
  /** The table that priced the call; null when the client or an override did. */
  tableVersion: string | null;
};

/** A project's own price for a model, in USD per million tokens. */
export type PriceOverride = {
  /** null: any provider. */
  provider: string | null;
  model: string;
  inputPerMillion: number;
  outputPerMillion: number;
  /** Price of input tokens read from the provider's cache; null: billed as ordinary input. */
  cachedInputPerMillion: number | null;
};

export type PriceInput = {
  provider: string | null;
  model: string | null;
  modelVersion: string | null;
  /** When the call was made: the table applies the price in force then. */
  timestamp?: Date;
  /** All input tokens, cached ones included (as the OTel GenAI conventions count them). */
  inputTokens: number | null;
  /** All output tokens, reasoning included. */
  outputTokens: number | null;
  /** The part of inputTokens read from the cache. */
  cachedInputTokens?: number | null;
  /** The part of outputTokens spent on reasoning. */
  reasoningTokens?: number | null;
  /** The cost the client sent, if any: it always wins. */
  costUsd?: number | null;
};

export type Pricer = (input: PriceInput) => PricedCost | null;

/**
 * A pricer for one project's batch. Overrides are indexed once; each
 * (provider, model) is looked up in the table once per process (the table is
 * static), so a batch of a thousand calls to one model costs one lookup.
 */
export function createPricer(overrides: readonly PriceOverride[] = []): Pricer {
  const index = new Map<string, PriceOverride>();
  for (const o of overrides) index.set(overrideKey(o.provider, o.model), o);
  return (input) => priceCall(input, index);
}

/** One call priced with the given overrides (convenience for single traces and tests). */
export function priceTrace(input: PriceInput, overrides: readonly PriceOverride[] = []): PricedCost | null {
  return createPricer(overrides)(input);
}

function priceCall(input: PriceInput, overrides: Map<string, PriceOverride>): PricedCost | null {
  if (input.costUsd != null) return { costUsd: input.costUsd, source: "client", tableVersion: null };
  const usage = usageOf(input);
  if (!usage) return null;
  const names = modelNames(input);
  if (names.length === 0) return null;

  const override = findOverride(overrides, input.provider, names);
  if (override) return priced(overrideCost(override, usage), "override", null);

  for (const name of names) {
    const entry = tableEntry(input.provider, name);
    if (!entry) continue;
    const cost = tableCost(entry, usage, input.timestamp);
    if (cost !== null) return priced(cost, "price_table", PRICE_TABLE_VERSION);
  }
  return null;
}

/**
 * A computed cost within what a client may send (and the column holds); one
 * beyond it comes from a price or a count far off any real call, and is not
 * stored rather than failing the batch.
 */
function priced(usd: number, source: CostSource, tableVersion: string | null): PricedCost | null {
  if (!Number.isFinite(usd) || usd < 0 || usd > NATIVE_LIMITS.maxCostUsd) return null;
  return { costUsd: round(usd), source, tableVersion };
}

type Usage = { input: number; output: number; cached: number; reasoning: number };

/** Token counts a price can be computed from, or null: a missing count is never guessed. */
function usageOf(input: PriceInput): Usage | null {
  const { inputTokens, outputTokens } = input;
  if (inputTokens == null || outputTokens == null) return null;
  const cached = input.cachedInputTokens ?? 0;
  const reasoning = input.reasoningTokens ?? 0;
  // Parts larger than their whole mean the client counted differently; no honest price can be made.
  if (cached > inputTokens || reasoning > outputTokens) return null;
  return { input: inputTokens, output: outputTokens, cached, reasoning };
}

/** The dated snapshot first (it may be priced apart, e.g. gpt-4o-2024-05-13), then the requested model. */
function modelNames(input: PriceInput): string[] {
  const names: string[] = [];
  for (const name of [input.modelVersion, input.model]) {
    const n = name?.trim().toLowerCase();
    if (n && !names.includes(n)) names.push(n);
  }
  return names;
}

// ---------------------------------------------------------------------------
// Overrides
// ---------------------------------------------------------------------------

function overrideKey(provider: string | null, model: string): string {
  return `${provider?.trim().toLowerCase() ?? ""}\u0000${model.trim().toLowerCase()}`;
}

/** An override for this provider (as sent, or its vendor part: `openai.chat` → `openai`) beats one for any provider. */
function findOverride(overrides: Map<string, PriceOverride>, provider: string | null, names: string[]): PriceOverride | null {
  if (overrides.size === 0) return null;
  const providers = provider ? providerSpellings(provider) : [];
  for (const name of names) {
    for (const p of providers) {
      const hit = overrides.get(overrideKey(p, name));
      if (hit) return hit;
    }
    const any = overrides.get(overrideKey(null, name));
    if (any) return any;
  }
  return null;
}

function overrideCost(o: PriceOverride, usage: Usage): number {
  const cachedRate = o.cachedInputPerMillion ?? o.inputPerMillion;
  return ((usage.input - usage.cached) * o.inputPerMillion + usage.cached * cachedRate + usage.output * o.outputPerMillion) / 1e6;
}

// ---------------------------------------------------------------------------
// The price table
// ---------------------------------------------------------------------------

/** `openai.chat` → [`openai.chat`, `openai`]; `x_ai` → [`x_ai`, `x-ai`]. Lower case. */
function providerSpellings(provider: string): string[] {
  const raw = provider.trim().toLowerCase();
  const vendor = raw.split(".")[0] ?? raw;
  return [...new Set([raw, vendor, raw.replace(/_/g, "-"), vendor.replace(/_/g, "-")])].filter(Boolean);
}

/** A provider id the table knows, or null. */
function knownProvider(provider: string): string | null {
  for (const id of providerSpellings(provider)) if (findProvider({ providerId: id })) return id;
  return null;
}

const MAX_CACHED_ENTRIES = 5_000;
/**
 * A provider holding just the one model, and the name that model matches;
 * with the per-token rates when its prices are flat (see linearRates).
 */
type TableEntry = { provider: Provider; model: string; rates: Rates | null };
const entries = new Map<string, TableEntry | null>();

/**
 * The table's entry for (provider, model) as a one-model provider, so pricing
 * it again skips the search through every provider and model. The table is
 * static for the life of the process, so the answer is kept.
 *
 * With a provider the table does not know (a self-hosted server, a gateway),
 * the call stays unpriced: the same model name there is not billed at the
 * vendor's rate. A model named `vendor/model` (gateways, OpenRouter) is looked
 * up under that vendor. Without any provider, the table's own model patterns
 * decide (`gpt-` → OpenAI, `claude` → Anthropic).
 */
export function tableEntry(provider: string | null, model: string): TableEntry | null {
  const key = `${provider?.trim().toLowerCase() ?? ""}\u0000${model}`;
  const cached = entries.get(key);
  if (cached !== undefined) return cached;
  const entry = resolveTableEntry(provider, model);
  if (entries.size >= MAX_CACHED_ENTRIES) entries.clear();
  entries.set(key, entry);
  return entry;
}

function resolveTableEntry(provider: string | null, model: string): TableEntry | null {
  const known = provider ? knownProvider(provider) : null;
  if (known) {
    const entry = lookUp(model, known);
    if (entry) return entry;
  }
  const slash = model.indexOf("/");
  if (!known && slash > 0) {
    const vendor = knownProvider(model.slice(0, slash));
    if (vendor) return lookUp(model.slice(slash + 1), vendor) ?? lookUp(model, vendor);
  }
  return provider ? null : lookUp(model, undefined);
}

/** The table's match for a model, narrowed to a provider holding just that model under this exact name. */
function lookUp(model: string, providerId: string | undefined): TableEntry | null {
  let found: ReturnType<typeof calcPrice>;
  try {
    found = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId });
  } catch {
    return null;
  }
  if (!found) return null;
  const entry = { provider: { ...found.provider, models: [{ ...found.model, match: { equals: model } }] }, model, rates: null };
  return { ...entry, rates: linearRates(entry) };
}

/** USD per token for each part of the usage, and per call. */
type Rates = { call: number; input: number; cached: number; output: number; reasoning: number };

/**
 * A model whose prices are plain numbers (not tiered by context length, not
 * changing by date or time of day) costs a fixed amount per token of each
 * kind: the table's own arithmetic is linear then. The rates are read off the
 * table once, by pricing a million tokens of each kind, and a call is then
 * priced with five multiplications instead of the table's general (and, for a
 * batch of a thousand calls, measurably slower) decomposition. A unit test
 * holds the two equal.
 */
function linearRates(entry: TableEntry): Rates | null {
  const prices = entry.provider.models[0]?.prices;
  if (!prices || Array.isArray(prices) || Object.values(prices).some((v) => v !== undefined && typeof v !== "number")) return null;
  const M = 1_000_000;
  const at = (input: number, cached: number, output: number, reasoning: number) => tableCost({ ...entry, rates: null }, { input, cached, output, reasoning }, undefined);
  const call = at(0, 0, 0, 0);
  const input = at(M, 0, 0, 0);
  const cached = at(M, M, 0, 0);
  const output = at(0, 0, M, 0);
  const reasoning = at(0, 0, M, M);
  if (call === null || input === null || cached === null || output === null || reasoning === null) return null;
  return { call, input: (input - call) / M, cached: (cached - call) / M, output: (output - call) / M, reasoning: (reasoning - call) / M };
}

export function tableCost({ provider, model, rates }: TableEntry, usage: Usage, timestamp: Date | undefined): number | null {
  if (rates) {
    return (
      rates.call +
      rates.input * (usage.input - usage.cached) +
      rates.cached * usage.cached +
      rates.output * (usage.output - usage.reasoning) +
      rates.reasoning * usage.reasoning
    );
  }
  try {
    const result = calcPrice(
      {
        input_tokens: usage.input,
        output_tokens: usage.output,
        cache_read_tokens: usage.cached,
        output_reasoning_tokens: usage.reasoning,
      },
      model,
      { provider, timestamp },
    );
    return result && Number.isFinite(result.total_price) ? result.total_price : null;
  } catch {
    // The table refuses usage it cannot split (a part larger than its whole); such a call stays unpriced.
    return null;
  }
}

/** Costs are stored as numeric(18, 10). */
function round(usd: number): number {
  return Number(usd.toFixed(10));
}
