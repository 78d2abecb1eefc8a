import { describe, expect, it } from "vitest";
import { mapSpan } from "./map-span";
import type { Attributes, OtlpSpan } from "./types";

const span = (attributes: Attributes): OtlpSpan => ({
  traceId: "5b8efff798038103d269b633813fc60c",
  spanId: "00f067aa0ba902b7",
  parentSpanId: "",
  name: "chat o3",
  kind: 3,
  startTimeUnixNano: BigInt(Date.UTC(2026, 10, 1)) * 1_000_000n,
  endTimeUnixNano: BigInt(Date.UTC(2026, 10, 1) + 2_000) * 1_000_000n,
  attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "o3", ...attributes },
  events: [],
  status: { code: 0, message: "" },
});

const usage = (attributes: Attributes) => {
  const result = mapSpan(span(attributes), { resource: {}, scope: { name: "test", version: "", attributes: {} } }, { now: () => Date.UTC(2026, 10, 2) });
  if (result.kind !== "trace") throw new Error(`not mapped: ${JSON.stringify(result)}`);
  const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens } = result.trace;
  return { inputTokens, outputTokens, cachedInputTokens, reasoningTokens };
};

describe("cached-input and reasoning token counts from span attributes", () => {
  it("reads the GenAI conventions' keys", () => {
    expect(
      usage({ "gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 900, "gen_ai.usage.cache_read.input_tokens": 1024, "gen_ai.usage.reasoning.output_tokens": 640 }),
    ).toEqual({ inputTokens: 1200, outputTokens: 900, cachedInputTokens: 1024, reasoningTokens: 640 });
  });

  it("reads OpenInference's and the older cache_read_input_tokens key", () => {
    expect(
      usage({ "llm.token_count.prompt": 50, "llm.token_count.completion": 20, "llm.token_count.prompt_details.cache_read": 30, "llm.token_count.completion_details.reasoning": 12 }),
    ).toEqual({ inputTokens: 50, outputTokens: 20, cachedInputTokens: 30, reasoningTokens: 12 });
    expect(usage({ "gen_ai.usage.input_tokens": 50, "gen_ai.usage.output_tokens": 5, "gen_ai.usage.cache_read_input_tokens": 40 }).cachedInputTokens).toBe(40);
  });

  it("drops a part counted apart from its total instead of refusing the span", () => {
    expect(usage({ "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 5, "gen_ai.usage.cache_read.input_tokens": 4000, "gen_ai.usage.reasoning.output_tokens": 6 })).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      cachedInputTokens: undefined,
      reasoningTokens: undefined,
    });
  });
});
