import { describe, expect, it } from "vitest";
import { checkGeneration, checkTraceFields, fitMetadata, generationToTrace } from "./map-generation";

const now = () => Date.parse("2026-11-21T00:00:00Z");
const gen = (fields: Record<string, unknown>) => ({ id: "g-1", traceId: "t-1", fields });

describe("generationToTrace", () => {
  it("maps a generation with its trace's fields, and leaves what was not sent null", () => {
    const trace = generationToTrace(
      gen({
        name: "answer",
        startTime: "2026-11-20T10:00:00.000Z",
        completionStartTime: "2026-11-20T10:00:00.300Z",
        endTime: "2026-11-20T10:00:01.000Z",
        model: "claude-sonnet-4",
        modelParameters: { temperature: 0 },
        input: { messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
        output: { role: "assistant", content: "hello", finish_reason: "stop" },
        usage: { input: 10, total: 14 },
        costDetails: { total: 0.002, input: 0.001 },
        promptName: "greeter",
        promptVersion: 3,
        environment: "production",
        version: "v7",
      }),
      { name: "chat", userId: "u", sessionId: "s", tags: ["a"], release: "r1", metadata: { team: "x" } },
      now,
    );
    expect(trace).toMatchObject({
      externalId: "g-1",
      timestamp: new Date("2026-11-20T10:00:00.000Z"),
      provider: null,
      model: "claude-sonnet-4",
      modelVersion: null,
      route: "chat",
      prompt: [{ role: "user", content: "hi" }],
      response: [{ role: "assistant", content: "hello" }],
      latencyMs: 1000,
      ttftMs: 300,
      inputTokens: 10,
      outputTokens: 4,
      costUsd: 0.002,
      status: "ok",
      error: null,
      finishReason: "stop",
      userId: "u",
      sessionId: "s",
      tags: ["a", "env:production"],
    });
    expect(trace.metadata).toEqual({
      team: "x",
      requestParams: { temperature: 0 },
      promptName: "greeter",
      promptVersion: 3,
      release: "r1",
      version: "v7",
      totalTokens: 14,
      langfuse: { traceId: "t-1", observationId: "g-1", name: "answer", traceName: "chat", costDetails: { total: 0.002, input: 0.001 }, environment: "production" },
    });
  });

  it("sums cost details without a total; drops a first token after the end; an ERROR level is the error", () => {
    const trace = generationToTrace(
      gen({ startTime: "2026-11-20T10:00:00Z", completionStartTime: "2026-11-20T10:00:05Z", endTime: "2026-11-20T10:00:01Z", costDetails: { input: 0.25, output: 0.5 }, level: "ERROR" }),
      null,
      now,
    );
    expect(trace).toMatchObject({ ttftMs: null, latencyMs: 1000, costUsd: 0.75, status: "error", error: "ERROR" });
  });

  it("leaves out a merged value it cannot store, and names it, rather than losing the generation", () => {
    const trace = generationToTrace(gen({ startTime: "2026-11-18T00:00:00Z", endTime: "2026-11-20T00:00:00Z", model: "m", input: "q" }), null, now);
    expect(trace).toMatchObject({ latencyMs: null, model: "m", prompt: "q" });
    expect(trace.metadata.langfuse).toMatchObject({ droppedFields: ["endTime"] });
  });
});

describe("event checks", () => {
  it("name the Langfuse field a native limit comes from", () => {
    expect(checkGeneration(gen({ input: "x".repeat(1_000_001) }), "batch[2].body", now)).toEqual([
      { path: "batch[2].body.input", message: "must be at most 1000000 characters" },
    ]);
    expect(checkGeneration(gen({ startTime: "2026-11-20T10:00:01Z", endTime: "2026-11-20T10:00:00Z" }), "b", now)).toEqual([
      { path: "b.endTime", message: "must not be before startTime" },
    ]);
    expect(checkGeneration(gen({ startTime: "1999-12-31T00:00:00Z" }), "b", now)[0]).toMatchObject({ path: "b.startTime" });
    expect(checkTraceFields({ userId: "", tags: Array.from({ length: 51 }, (_, i) => `t${i}`), name: "n".repeat(300) }, "b").map((e) => e.path).sort()).toEqual([
      "b.name",
      "b.tags",
      "b.userId",
    ]);
  });
});

describe("fitMetadata", () => {
  it("keeps deep values as JSON text and drops the largest keys past the size limit, never ours", () => {
    const fitted = fitMetadata({ deep: { a: { b: { c: { d: { e: 1 } } } } }, big: "x".repeat(40_000), small: 1, langfuse: { observationId: "g" } }, "langfuse");
    expect(fitted).toEqual({ deep: JSON.stringify({ a: { b: { c: { d: { e: 1 } } } } }), small: 1, langfuse: { observationId: "g" }, droppedKeys: ["big"] });
  });
});
