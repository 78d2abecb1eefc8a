import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPricer, PRICE_TABLE_VERSION, priceTrace, tableCost, tableEntry, type PriceInput, type PriceOverride } from "./pricing";

const call = (over: Partial<PriceInput>): PriceInput => ({
  provider: "openai",
  model: "gpt-4o",
  modelVersion: null,
  inputTokens: 1_000_000,
  outputTokens: 1_000_000,
  ...over,
});

const table = (costUsd: number) => ({ costUsd, source: "price_table", tableVersion: PRICE_TABLE_VERSION });

describe("the price table", () => {
  it("names the pinned package's version", () => {
    const main = createRequire(import.meta.url).resolve("@pydantic/genai-prices");
    const pkg = JSON.parse(readFileSync(join(dirname(main), "..", "package.json"), "utf8")) as { name: string; version: string };
    expect(PRICE_TABLE_VERSION).toBe(`genai-prices ${pkg.version}`);
  });

  // USD per 1M tokens in the table: gpt-4o in 2.50 / cached 1.25 / out 10; gpt-4o-mini 0.15 / 0.075 / 0.60;
  // o3 2 / 0.50 / 8; claude-3-5-sonnet 3 / 0.30 / 15; gemini-2.0-flash 0.10 / 0.025 / 0.40;
  // groq llama-3.3-70b-versatile 0.59 / 0.79; mistral-large 2 / 6.
  it.each([
    ["openai", "gpt-4o", null, 1200, 300, 0.006],
    ["openai", "gpt-4o", "gpt-4o-2024-08-06", 1200, 300, 0.006],
    ["openai.chat", "gpt-4o-mini", null, 10_000, 2_000, 0.0027],
    ["openai", "o3", "o3-2025-04-16", 1000, 5000, 0.042],
    ["anthropic", "claude-3-5-sonnet-20241022", null, 2000, 500, 0.0135],
    ["anthropic.messages", "claude-sonnet-4-20250514", null, 2000, 500, 0.0135],
    ["gcp.vertex_ai", "gemini-2.0-flash", null, 100_000, 10_000, 0.014],
    ["groq.chat", "llama-3.3-70b-versatile", null, 1_000_000, 1_000_000, 1.38],
    ["mistral_ai", "mistral-large-latest", null, 1_000_000, 100_000, 2.6],
    [null, "gpt-4o-mini", null, 1_000_000, 0, 0.15],
    [null, "claude-3-5-sonnet-20241022", null, 0, 1_000_000, 15],
  ])("%s %s (%s): %d in, %d out → $%d", (provider, model, modelVersion, inputTokens, outputTokens, expected) => {
    expect(priceTrace(call({ provider, model, modelVersion, inputTokens, outputTokens }))).toEqual(table(expected));
  });

  it("prices the dated snapshot the provider answered with before the requested alias", () => {
    // gpt-4o-2024-05-13 kept its launch price (5 / 15), unlike gpt-4o (2.50 / 10).
    expect(priceTrace(call({ modelVersion: "gpt-4o-2024-05-13" }))).toEqual(table(20));
    expect(priceTrace(call({}))).toEqual(table(12.5));
  });

  it("bills cached input tokens at the cache rate and reasoning tokens as output", () => {
    // 600k cached at 1.25 + 400k fresh at 2.50 + 1M out at 10 (of which 700k reasoning).
    expect(priceTrace(call({ cachedInputTokens: 600_000, reasoningTokens: 700_000 }))).toEqual(table(0.75 + 1 + 10));
    // Anthropic: cache reads at 0.30 instead of 3.
    expect(priceTrace(call({ provider: "anthropic", model: "claude-3-5-sonnet-20241022", outputTokens: 0, cachedInputTokens: 1_000_000 }))).toEqual(table(0.3));
  });

  it("leaves models it does not know, and providers it does not know, unpriced", () => {
    expect(priceTrace(call({ model: "my-fine-tune" }))).toBeNull();
    expect(priceTrace(call({ provider: null, model: "llama3.1:8b" }))).toBeNull();
    // A self-hosted server answering under a vendor's model name is not billed at the vendor's rate.
    expect(priceTrace(call({ provider: "ollama", model: "gpt-4o" }))).toBeNull();
    expect(priceTrace(call({ model: null, modelVersion: null }))).toBeNull();
  });

  it("looks a gateway's vendor/model name up under that vendor", () => {
    expect(priceTrace(call({ provider: "gateway", model: "openai/gpt-4o", inputTokens: 1_000_000, outputTokens: 0 }))).toEqual(table(2.5));
  });

  it("never invents tokens: a missing count, or a part larger than its whole, leaves the cost null", () => {
    expect(priceTrace(call({ outputTokens: null }))).toBeNull();
    expect(priceTrace(call({ inputTokens: null }))).toBeNull();
    expect(priceTrace(call({ inputTokens: 10, cachedInputTokens: 11 }))).toBeNull();
    expect(priceTrace(call({ outputTokens: 10, reasoningTokens: 11 }))).toBeNull();
  });
});

describe("precedence", () => {
  const fineTune: PriceOverride = { provider: null, model: "my-fine-tune", inputPerMillion: 3, outputPerMillion: 12, cachedInputPerMillion: null };

  it("keeps the client's cost, even with no tokens and an override for the model", () => {
    expect(priceTrace(call({ costUsd: 0.0421, inputTokens: null }), [{ ...fineTune, model: "gpt-4o" }])).toEqual({ costUsd: 0.0421, source: "client", tableVersion: null });
    expect(priceTrace(call({ costUsd: 0 }))).toEqual({ costUsd: 0, source: "client", tableVersion: null });
  });

  it("prices a private model by its override, cached input at the input rate unless set", () => {
    const price = createPricer([fineTune]);
    expect(price(call({ model: "my-fine-tune", inputTokens: 2000, outputTokens: 1000, cachedInputTokens: 1000 }))).toEqual({ costUsd: 0.018, source: "override", tableVersion: null });
    const withCache = createPricer([{ ...fineTune, cachedInputPerMillion: 1 }]);
    expect(withCache(call({ model: "My-Fine-Tune", inputTokens: 2000, outputTokens: 1000, cachedInputTokens: 1000 }))).toEqual({ costUsd: 0.016, source: "override", tableVersion: null });
  });

  it("lets an override replace the table's price, a provider's override before an any-provider one", () => {
    const overrides: PriceOverride[] = [
      { provider: null, model: "gpt-4o", inputPerMillion: 1, outputPerMillion: 1, cachedInputPerMillion: null },
      { provider: "openai", model: "gpt-4o", inputPerMillion: 2, outputPerMillion: 2, cachedInputPerMillion: null },
    ];
    expect(priceTrace(call({ provider: "openai.chat" }), overrides)).toEqual({ costUsd: 4, source: "override", tableVersion: null });
    expect(priceTrace(call({ provider: "azure" }), overrides)).toEqual({ costUsd: 2, source: "override", tableVersion: null });
  });

  it("stores no cost beyond what a client may send, instead of failing the batch", () => {
    const absurd: PriceOverride = { ...fineTune, inputPerMillion: 1_000_000, outputPerMillion: 1_000_000 };
    expect(priceTrace(call({ model: "my-fine-tune", inputTokens: 100_000_000, outputTokens: 100_000_000 }), [absurd])).toBeNull();
    expect(priceTrace(call({ model: "my-fine-tune", inputTokens: 1_000, outputTokens: 0 }), [absurd])).toEqual({ costUsd: 1000, source: "override", tableVersion: null });
  });

  it("matches an override on the dated snapshot too", () => {
    const price = createPricer([{ ...fineTune, model: "ft:gpt-4o-mini-2024-07-18:acme::abc123" }]);
    expect(price(call({ model: "gpt-4o-mini", modelVersion: "ft:gpt-4o-mini-2024-07-18:acme::abc123", inputTokens: 1_000_000, outputTokens: 0 }))?.source).toBe("override");
  });
});

describe("the flat-rate shortcut", () => {
  it("prices exactly as the table's own arithmetic, for every common model it applies to", () => {
    let seed = 7;
    const random = (max: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % max;
    };
    const models: Array<[string, string]> = [
      ["openai", "gpt-4o"],
      ["openai", "gpt-4o-mini"],
      ["openai", "o3"],
      ["anthropic", "claude-3-5-sonnet-20241022"],
      ["google", "gemini-2.0-flash"],
      ["groq", "llama-3.3-70b-versatile"],
      ["mistral", "mistral-large-latest"],
      ["deepseek", "deepseek-chat"],
    ];
    let flat = 0;
    for (const [provider, model] of models) {
      const entry = tableEntry(provider, model);
      expect(entry, `${provider} ${model}`).not.toBeNull();
      if (!entry?.rates) continue;
      flat++;
      for (let i = 0; i < 200; i++) {
        const input = random(150_000);
        const output = random(20_000);
        const usage = { input, output, cached: random(input + 1), reasoning: random(output + 1) };
        const general = tableCost({ ...entry, rates: null }, usage, undefined)!;
        expect(tableCost(entry, usage, undefined)).toBeCloseTo(general, 12);
      }
    }
    expect(flat).toBeGreaterThanOrEqual(6);
    // Tiered prices (by context length) take the general path.
    expect(tableEntry("anthropic", "claude-sonnet-4-5")?.rates).toBeNull();
  });
});
