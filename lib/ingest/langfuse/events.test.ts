import { describe, expect, it } from "vitest";
import { IngestionBatchError, parseIngestionBatch } from "./events";
import { mergeFields } from "./merge";
import { normalizeUsage } from "./usage";

const ts = "2026-11-20T10:00:00.000Z";
const one = (event: Record<string, unknown>) => parseIngestionBatch({ batch: [{ id: "e-1", timestamp: ts, ...event }] });

describe("parseIngestionBatch", () => {
  it("refuses a body that is not a batch, and a batch over the limit with 413", () => {
    for (const body of [null, [], "x", {}, { batch: {} }]) expect(() => parseIngestionBatch(body)).toThrow(IngestionBatchError);
    try {
      parseIngestionBatch({ batch: Array.from({ length: 1001 }, () => ({})) });
    } catch (error) {
      expect(error).toMatchObject({ status: 413, errors: [{ path: "batch" }] });
    }
  });

  it("reads a generation-create with Langfuse's field names and drops nulls (they mean 'not sent')", () => {
    const { events, errors } = one({
      type: "generation-create",
      body: { id: "g", traceId: "t", model: "gpt-4o", input: "q", output: null, level: "DEFAULT", parentObservationId: null, unknownField: 1 },
    });
    expect(errors).toEqual([]);
    expect(events).toEqual([
      { index: 0, eventId: "e-1", type: "generation-create", timestamp: ts, kind: "generation", id: "g", create: true, fields: { traceId: "t", model: "gpt-4o", input: "q", level: "DEFAULT" } },
    ]);
  });

  it("acknowledges spans, events, sdk logs and non-generation legacy observations without storing them", () => {
    const { events } = parseIngestionBatch({
      batch: [
        { id: "1", timestamp: ts, type: "span-create", body: { id: "s" } },
        { id: "2", timestamp: ts, type: "event-create", body: { id: "e" } },
        { id: "3", timestamp: ts, type: "sdk-log", body: { log: "x" } },
        { id: "4", timestamp: ts, type: "observation-create", body: { id: "o", type: "SPAN" } },
        { id: "5", timestamp: ts, type: "observation-update", body: { id: "o2", type: "GENERATION", model: "m" } },
      ],
    });
    expect(events.map((e) => e.kind)).toEqual(["acknowledged", "acknowledged", "acknowledged", "acknowledged", "generation"]);
  });

  it("names the bad field of each bad event and keeps the others", () => {
    const { events, errors } = parseIngestionBatch({
      batch: [
        { id: "a", timestamp: ts, type: "generation-create", body: { id: "g", startTime: "2026-11-20 10:00" } },
        { id: "b", timestamp: "now", type: "trace-create", body: { id: "t" } },
        { id: "c", timestamp: ts, type: "generation-update", body: { id: "g", usage: { input: 1.5 } } },
        { id: "d", timestamp: ts, type: "score-create", body: { traceId: "t", name: "s", value: 2, dataType: "BOOLEAN" } },
        { id: "e", timestamp: ts, type: "score-create", body: { sessionId: "s", name: "s", value: 1 } },
        { id: "f", timestamp: ts, type: "trace-create", body: { id: "t", input: JSON.parse("[".repeat(70) + "]".repeat(70)) } },
        "not an event",
        { id: "h", timestamp: ts, type: "trace-create", body: { id: "t-ok" } },
      ],
    });
    expect(events.map((e) => e.eventId)).toEqual(["h"]);
    expect(errors.map((e) => [e.eventId, e.errors[0]!.path])).toEqual([
      ["a", "batch[0].body.startTime"],
      ["b", "batch[1].timestamp"],
      ["c", "batch[2].body.usage.input"],
      ["d", "batch[3].body.value"],
      ["e", "batch[4].body.traceId"],
      ["f", "batch[5].body.input"],
      ["unknown", "batch[6]"],
    ]);
  });

  it("reads scores: numbers, booleans as 0/1, the source lower-cased; categorical values are refused", () => {
    const { events, errors } = parseIngestionBatch({
      batch: [
        { id: "1", timestamp: ts, type: "score-create", body: { id: "s1", traceId: "t", name: "ok", value: 1, dataType: "BOOLEAN", source: "ANNOTATION", comment: "fine" } },
        { id: "2", timestamp: ts, type: "score-create", body: { observationId: "g", name: "judge", value: 0.5 } },
        { id: "3", timestamp: ts, type: "score-create", body: { traceId: "t", name: "tone", value: "warm", dataType: "CATEGORICAL" } },
      ],
    });
    expect(events.map((e) => (e.kind === "score" ? e.score : null))).toEqual([
      { id: "s1", name: "ok", value: 1, traceId: "t", observationId: null, comment: "fine", source: "annotation" },
      { id: null, name: "judge", value: 0.5, traceId: null, observationId: "g", comment: null, source: "api" },
    ]);
    expect(errors[0]!.errors[0]!.message).toContain("categorical scores are not stored");
  });
});

describe("normalizeUsage", () => {
  it("reads the legacy usage object, the OpenAI shape in it, and ignores counts that are not tokens", () => {
    expect(normalizeUsage({ input: 5, output: 7, unit: "TOKENS", totalCost: 0.1 }, null)).toEqual({ usage: { input: 5, output: 7, totalCost: 0.1 } });
    expect(normalizeUsage({ promptTokens: 3, completionTokens: 4, totalTokens: 7 }, null)).toEqual({ usage: { input: 3, output: 4, total: 7 } });
    expect(normalizeUsage({ input: 120, unit: "CHARACTERS" }, null)).toEqual({ usage: { unit: "CHARACTERS" } });
  });

  it("sums Langfuse's separate usage kinds, and reads a provider's usage object with its details inside", () => {
    expect(normalizeUsage(null, { input: 20, input_cached_tokens: 6, output: 9, output_reasoning_tokens: 3 })).toMatchObject({
      usage: { input: 26, output: 12, cachedInput: 6, reasoning: 3 },
    });
    expect(normalizeUsage(null, { input: 10, cache_read_input_tokens: 5, output: 2 })).toMatchObject({ usage: { input: 15, output: 2, cachedInput: 5 } });
    expect(
      normalizeUsage(null, { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52, prompt_tokens_details: { cached_tokens: 8 }, completion_tokens_details: { reasoning_tokens: 4 } }),
    ).toMatchObject({ usage: { input: 40, output: 12, total: 52, cachedInput: 8, reasoning: 4 } });
    expect(normalizeUsage(null, { input_tokens: 9, output_tokens: 3, total_tokens: 12, input_tokens_details: { cached_tokens: 2 } })).toMatchObject({
      usage: { input: 9, output: 3, cachedInput: 2 },
    });
  });

  it("refuses more cached than input tokens", () => {
    expect(normalizeUsage(null, { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5, prompt_tokens_details: { cached_tokens: 9 } })).toEqual({
      error: { path: "usageDetails", message: "cached input tokens must not exceed the input tokens" },
    });
  });
});

describe("mergeFields", () => {
  const empty = { fields: {}, times: {} };
  it("gives the same result in any order of arrival, and repeating an event changes nothing", () => {
    const create = { input: "q", model: "a", metadata: { x: 1, y: 1 } };
    const update = { output: "r", model: "b", metadata: { y: 2 } };
    const forward = mergeFields(mergeFields(empty, create, "2026-01-01T00:00:00Z"), update, "2026-01-01T00:00:01Z");
    const backward = mergeFields(mergeFields(empty, update, "2026-01-01T00:00:01Z"), create, "2026-01-01T00:00:00Z");
    expect(forward.fields).toEqual({ input: "q", output: "r", model: "b", metadata: { x: 1, y: 2 } });
    expect(backward.fields).toEqual(forward.fields);
    const again = mergeFields(forward, update, "2026-01-01T00:00:01Z");
    expect(again.changed).toBe(false);
  });

  it("compares instants, not text: an offset time is ordered by when it happened", () => {
    const a = mergeFields(empty, { model: "later" }, "2026-01-01T01:00:00+02:00"); // 23:00Z the day before
    expect(mergeFields(a, { model: "sooner" }, "2025-12-31T22:00:00Z").fields.model).toBe("later");
    expect(mergeFields(a, { model: "newer" }, "2026-01-01T00:00:00Z").fields.model).toBe("newer");
  });
});
