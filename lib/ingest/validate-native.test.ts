import { describe, expect, it } from "vitest";
import { NATIVE_LIMITS, sanitizeString } from "./native-schema";
import { formatPath, parseNativeBatch } from "./validate-native";

const NOW = Date.parse("2026-01-15T12:00:00.000Z");
const opts = { now: () => NOW, generateId: () => "generated-1" };

const valid = {
  id: "call-1",
  timestamp: "2026-01-15T11:59:58.250Z",
  provider: "openai",
  model: "gpt-4o",
  modelVersion: "gpt-4o-2024-08-06",
  route: "support/refunds",
  prompt: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Refund status for order 42?" },
  ],
  response: "It shipped yesterday.",
  latencyMs: 812.5,
  ttftMs: 120,
  inputTokens: 31,
  outputTokens: 6,
  costUsd: 0.00042,
  status: "ok",
  finishReason: "stop",
  userId: "u-7",
  sessionId: "s-9",
  tags: ["prod", "beta", "prod"],
  metadata: { release: "2026.01.2", nested: { a: [1, 2, { b: true }] } },
  scores: { user_feedback: 1, "judge.helpfulness": 0.8 },
};

describe("parseNativeBatch", () => {
  it("refuses an item that is not an object, beside valid ones, without throwing", () => {
    const { items } = parseNativeBatch({ traces: [null, "x", { ...valid, id: "ok", inputTokens: 10, cachedInputTokens: 4 }] }, opts);
    expect(items.map((i) => (i.trace ? "trace" : "rejected"))).toEqual(["rejected", "rejected", "trace"]);
  });

  it("normalises a complete trace", () => {
    const { items, batchError } = parseNativeBatch({ traces: [valid] }, opts);
    expect(batchError).toBeUndefined();
    expect(items).toHaveLength(1);
    const item = items[0]!;
    expect(item.errors).toBeUndefined();
    if (!item.trace) throw new Error("expected a trace");
    expect(item.generatedId).toBe(false);
    expect(item.trace).toEqual({
      externalId: "call-1",
      timestamp: new Date("2026-01-15T11:59:58.250Z"),
      provider: "openai",
      model: "gpt-4o",
      modelVersion: "gpt-4o-2024-08-06",
      route: "support/refunds",
      prompt: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Refund status for order 42?" },
      ],
      response: "It shipped yesterday.",
      latencyMs: 812.5,
      ttftMs: 120,
      inputTokens: 31,
      outputTokens: 6,
      costUsd: 0.00042,
      status: "ok",
      error: null,
      finishReason: "stop",
      userId: "u-7",
      sessionId: "s-9",
      tags: ["prod", "beta"],
      metadata: { release: "2026.01.2", nested: { a: [1, 2, { b: true }] } },
      scores: { user_feedback: 1, "judge.helpfulness": 0.8 },
    });
  });

  it("keeps the valid items of a mixed batch and reports exact paths for the others", () => {
    const { items } = parseNativeBatch(
      {
        traces: [
          valid,
          { ...valid, id: "bad-1", latencyMs: -5, inputTokens: 1.5 },
          { ...valid, id: "ok-2" },
          { ...valid, id: "bad-3", prompt: [{ role: "user", content: "hi" }, { content: "no role" }] },
          { ...valid, id: "bad-4", latency_ms: 3, status: "fine", scores: { thumbs: "up" } },
          "not an object",
        ],
      },
      opts,
    );
    expect(items.map((i) => (i.trace ? "ok" : "rejected"))).toEqual(["ok", "rejected", "ok", "rejected", "rejected", "rejected"]);
    expect(items[1]).toEqual({
      index: 1,
      id: "bad-1",
      errors: [
        { path: "traces[1].latencyMs", message: "must not be negative" },
        { path: "traces[1].inputTokens", message: "must be an integer" },
      ],
    });
    expect(items[3]?.errors).toEqual([{ path: "traces[3].prompt[1].role", message: "is required" }]);
    expect(items[4]?.errors).toEqual(
      expect.arrayContaining([
        { path: "traces[4].latency_ms", message: 'unknown field; did you mean "latencyMs"?' },
        { path: "traces[4].status", message: 'must be "ok" or "error"' },
        { path: "traces[4].scores.thumbs", message: "must be a finite number" },
      ]),
    );
    expect(items[4]?.errors).toHaveLength(3);
    expect(items[5]).toEqual({ index: 5, id: null, errors: [{ path: "traces[5]", message: "must be object" }] });
  });

  it("generates a random id and flags it when the client sends none", () => {
    const noId: Record<string, unknown> = { ...valid };
    delete noId.id;
    const { items } = parseNativeBatch({ traces: [noId, noId] });
    const [a, b] = items;
    if (!a?.trace || !b?.trace) throw new Error("expected traces");
    expect(a.generatedId).toBe(true);
    expect(a.trace.externalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.trace.externalId).not.toBe(b.trace.externalId);
  });

  it("marks a repeated id inside one batch as a duplicate of the first", () => {
    const { items } = parseNativeBatch({ traces: [valid, { ...valid, response: "other" }] }, opts);
    expect(items[0]?.trace && items[0].duplicateOf).toBeUndefined();
    expect(items[1]?.trace && items[1].duplicateOf).toBe(0);
  });

  it("accepts minimal traces and fills defaults", () => {
    const { items } = parseNativeBatch({ traces: [{}, { error: "timeout" }] }, opts);
    const [a, b] = items;
    if (!a?.trace || !b?.trace) throw new Error("expected traces");
    expect(a.trace.timestamp).toEqual(new Date(NOW));
    expect(a.trace.status).toBe("ok");
    expect(a.trace.externalId).toBe("generated-1");
    expect(a.trace.tags).toEqual([]);
    expect(b.trace.status).toBe("error");
    expect(b.trace.error).toBe("timeout");
  });

  it("accepts epoch milliseconds and offsets, refuses seconds, garbage and the far future", () => {
    const at = (timestamp: unknown) => parseNativeBatch({ traces: [{ timestamp }] }, opts).items[0]!;
    expect(at(NOW - 1000).trace?.timestamp).toEqual(new Date(NOW - 1000));
    expect(at("2026-01-15T13:00:00+02:00").trace?.timestamp).toEqual(new Date("2026-01-15T11:00:00Z"));
    expect(at(1_736_942_400).errors?.[0]?.message).toMatch(/epoch seconds/);
    expect(at("yesterday").errors?.[0]).toMatchObject({ path: "traces[0].timestamp" });
    expect(at("2026-01-15T11:00:00").errors?.[0]?.path).toBe("traces[0].timestamp"); // no zone
    expect(at(NOW + 2 * 86_400_000).errors?.[0]?.message).toBe("must not be more than 24 hours in the future");
    expect(at("1999-12-31T23:59:59Z").errors?.[0]?.message).toMatch(/before 2000/);
  });

  it("refuses non-finite numbers, ttft above latency and oversize values", () => {
    const errs = (t: object) => parseNativeBatch({ traces: [t] }, opts).items[0]?.errors ?? [];
    expect(errs({ latencyMs: Infinity })).toEqual([{ path: "traces[0].latencyMs", message: "must be a finite number" }]);
    expect(errs({ costUsd: Number.NaN })[0]?.path).toBe("traces[0].costUsd");
    expect(errs({ latencyMs: 100, ttftMs: 200 })).toEqual([
      { path: "traces[0].ttftMs", message: "must not be greater than latencyMs" },
    ]);
    expect(errs({ tags: Array.from({ length: 51 }, (_, i) => `t${i}`) })).toEqual([
      { path: "traces[0].tags", message: "must have at most 50 tags" },
    ]);
    expect(errs({ model: "x".repeat(257) })[0]).toEqual({ path: "traces[0].model", message: "must be at most 256 characters" });
    expect(errs({ metadata: { a: { b: { c: { d: { e: {} } } } } } })[0]?.message).toMatch(/nested at most 5/);
    expect(errs({ metadata: { blob: "x".repeat(NATIVE_LIMITS.maxMetadataBytes) } })[0]?.message).toMatch(/at most 32768 bytes/);
    expect(errs({ metadata: [1, 2] })[0]).toEqual({ path: "traces[0].metadata", message: "must be an object" });
    expect(errs({ prompt: 42 })).toEqual([
      { path: "traces[0].prompt", message: "must be a string or an array of chat messages [{role, content}]" },
    ]);
    expect(errs({ prompt: [{ role: "user", content: 7 }] })).toEqual([
      { path: "traces[0].prompt[0].content", message: "must be a string, an array of content parts, or null" },
    ]);
    expect(errs({ scores: { "": 1 } })[0]?.path).toBe('traces[0].scores[""]');
  });

  it("keeps strings verbatim except NUL bytes and lone surrogates", () => {
    const tricky = "'; DROP TABLE traces; -- 🙂 مرحبا \u202Eabc";
    const { items } = parseNativeBatch(
      { traces: [{ prompt: tricky, response: "a\u0000b", error: "x\uD800y", metadata: { "k\u0000": "v\u0000" } }] },
      opts,
    );
    const trace = items[0]?.trace;
    expect(trace?.prompt).toBe(tricky);
    expect(trace?.response).toBe("ab");
    expect(trace?.error).toBe("x\uFFFDy");
    expect(trace?.metadata).toEqual({ k: "v" });
    expect(sanitizeString("😀")).toBe("😀");
  });

  it("flattens content parts and keeps provider extras in parts", () => {
    const { items } = parseNativeBatch(
      {
        traces: [
          {
            prompt: [
              {
                role: "user",
                content: [
                  { type: "text", text: "What is in" },
                  { type: "image_url", image_url: { url: "https://x/y.png" } },
                  { type: "text", text: "this image?" },
                ],
              },
            ],
            response: [{ role: "assistant", content: null, tool_calls: [{ id: "c1", function: { name: "f" } }] }],
          },
        ],
      },
      opts,
    );
    const trace = items[0]?.trace;
    expect(trace?.prompt).toEqual([
      {
        role: "user",
        content: "What is in\nthis image?",
        parts: [{ type: "image_url", image_url: { url: "https://x/y.png" } }],
      },
    ]);
    expect(trace?.response).toEqual([
      { role: "assistant", content: "", parts: [{ type: "tool_calls", value: [{ id: "c1", function: { name: "f" } }] }] },
    ]);
  });

  it("refuses JSON nested too deep by the field's path instead of overflowing the stack", () => {
    const nested = (levels: number): unknown => {
      let value: unknown = [];
      for (let i = 1; i < levels; i++) value = [value];
      return value;
    };
    const deep = nested(200_000);
    const { items } = parseNativeBatch(
      {
        traces: [
          { id: "a", prompt: [{ role: "user", tool_calls: deep }], latencyMs: -1 },
          { id: "b", metadata: { k: deep } },
          { id: "c", response: [{ role: "assistant", content: "ok", tool_calls: nested(NATIVE_LIMITS.maxJsonDepth - 2) }] },
        ],
      },
      opts,
    );
    expect(items[0]?.errors).toEqual([
      { path: "traces[0].prompt", message: `must not be nested more than ${NATIVE_LIMITS.maxJsonDepth} levels deep` },
      { path: "traces[0].latencyMs", message: "must not be negative" },
    ]);
    expect(items[1]?.errors).toEqual([{ path: "traces[1].metadata", message: "must be nested at most 5 levels deep" }]);
    expect(items[2]?.errors).toBeUndefined(); // exactly at the limit: array, message, then 62 levels
  });

  it("applies the length rules of tags and score names after removing NUL", () => {
    const { items } = parseNativeBatch({ traces: [{ id: "t", tags: ["ok", "\u0000"], scores: { "\u0000\u0000": 1 } }] }, opts);
    expect(items[0]?.errors?.map((e) => e.path).sort()).toEqual([`traces[0].scores["\\u0000\\u0000"]`, "traces[0].tags[1]"]);
    const kept = parseNativeBatch({ traces: [{ id: "u", tags: ["a\u0000b"], scores: { "x\u0000": 2 } }] }, opts).items[0];
    expect(kept?.trace?.tags).toEqual(["ab"]);
    expect(kept?.trace?.scores).toEqual({ x: 2 });
  });

  it("takes null as not sent for every optional field, as documented", () => {
    const nulls = Object.fromEntries(Object.keys(valid).map((key) => [key, null]));
    const { items } = parseNativeBatch({ traces: [nulls, { id: "m", prompt: [{ role: "user", content: "hi", name: null, parts: null }] }] }, opts);
    expect(items[0]?.errors).toBeUndefined();
    expect(items[0]?.trace && items[0].generatedId).toBe(true);
    expect(items[0]?.trace).toMatchObject({
      externalId: "generated-1",
      timestamp: new Date(NOW),
      status: "ok",
      tags: [],
      metadata: {},
      scores: {},
      prompt: null,
    });
    expect(items[1]?.trace?.prompt).toEqual([{ role: "user", content: "hi" }]);
  });

  it("answers envelope problems with a batch error", () => {
    expect(parseNativeBatch([1, 2])).toEqual({
      items: [],
      batchError: [{ path: "", message: 'body must be a JSON object: {"traces": [...]}' }],
      batchErrorStatus: 400,
    });
    expect(parseNativeBatch({ trace: [] }).batchError).toEqual([{ path: "traces", message: "is required" }]);
    const big = parseNativeBatch({ traces: Array.from({ length: 1001 }, () => ({})) });
    expect(big.batchErrorStatus).toBe(413);
    expect(big.batchError?.[0]?.message).toMatch(/at most 1000 traces \(got 1001\)/);
    expect(parseNativeBatch({ traces: [] })).toEqual({ items: [] });
  });
});

describe("formatPath", () => {
  it("quotes keys that are not identifiers", () => {
    expect(formatPath("traces[0]", ["metadata", "a b", 3, "ok"])).toBe('traces[0].metadata["a b"][3].ok');
    expect(formatPath("", ["traces"])).toBe("traces");
  });
});
