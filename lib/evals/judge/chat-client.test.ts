import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { guardedPost } from "@/lib/net/guarded-post";
import { FAKE_RESPONSE_MODEL_SUFFIX, startFakeOpenAi, type FakeOpenAi } from "@/tests/fake-openai";
import { backoffMs, callChatCompletion, ChatCallError, retryAfterMs, type Transport } from "./chat-client";

const transport: Transport = (url, init) => guardedPost(url, { ...init, allowPrivate: true });
const KEY = "sk-test-9f8e7d6c5b4a3210";

describe("chat-completions client against an OpenAI-compatible server", () => {
  let fake: FakeOpenAi;
  let slept: number[];
  const sleep = async (ms: number) => {
    slept.push(ms);
  };
  beforeAll(async () => {
    fake = await startFakeOpenAi();
  });
  afterAll(async () => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.queue.length = 0;
    slept = [];
  });
  const endpoint = () => ({ baseUrl: `${fake.baseUrl}/`, model: "judge-model", apiKey: KEY, headers: { "X-Team": "evals" } });

  it("posts the model, messages and tools with the key and headers, and reads the tool call and usage", async () => {
    fake.queue.push({ kind: "tool", name: "select_choice", arguments: { reasons: "r", choice: "a" }, usage: { prompt: 42, completion: 7 } });
    const answer = await callChatCompletion(
      endpoint(),
      { messages: [{ role: "user", content: "hi" }], temperature: 0, maxTokens: 50 },
      { transport, sleep },
    );
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.path).toBe("/v1/chat/completions");
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.headers["x-team"]).toBe("evals");
    expect(request!.body).toMatchObject({ model: "judge-model", messages: [{ role: "user", content: "hi" }], temperature: 0, max_tokens: 50 });
    expect(answer.toolCalls).toEqual([{ name: "select_choice", arguments: JSON.stringify({ reasons: "r", choice: "a" }) }]);
    expect(answer.usage).toEqual({ promptTokens: 42, completionTokens: 7 });
    expect(answer.model).toBe(`judge-model${FAKE_RESPONSE_MODEL_SUFFIX}`);
    expect(answer.attempts).toBe(1);
  });

  it("honours Retry-After on 429 and retries 5xx with backoff, then answers", async () => {
    fake.queue.push({ kind: "error", status: 429, headers: { "Retry-After": "2" } });
    fake.queue.push({ kind: "error", status: 503 });
    fake.queue.push({ kind: "text", content: "ok" });
    const answer = await callChatCompletion(endpoint(), { messages: [{ role: "user", content: "x" }] }, { transport, sleep, maxRetries: 3 });
    expect(answer.content).toBe("ok");
    expect(answer.attempts).toBe(3);
    expect(slept[0]).toBe(2_000);
    expect(slept[1]).toBeGreaterThanOrEqual(750);
    expect(slept[1]).toBeLessThanOrEqual(1_250);
    expect(fake.requests).toHaveLength(3);
  });

  it("gives up after its retries on 500s with the server's message, and never retries a 400", async () => {
    for (let i = 0; i < 3; i++) fake.queue.push({ kind: "error", status: 500, message: "upstream exploded" });
    const failed = await callChatCompletion(endpoint(), { messages: [{ role: "user", content: "x" }] }, { transport, sleep, maxRetries: 2 }).catch((e) => e);
    expect(failed).toBeInstanceOf(ChatCallError);
    expect(failed.message).toBe("HTTP 500: upstream exploded");
    expect(failed.details).toMatchObject({ status: 500, retryable: true, attempts: 3 });
    fake.queue.push({ kind: "error", status: 400, message: `bad key ${KEY}` });
    const bad = await callChatCompletion(endpoint(), { messages: [{ role: "user", content: "x" }] }, { transport, sleep }).catch((e) => e);
    expect(bad.details).toMatchObject({ status: 400, retryable: false, attempts: 1 });
    expect(`${bad.message} ${bad.details.body}`).not.toContain(KEY);
    expect(bad.message).toContain("[API KEY]");
  });

  it("does not wait longer than allowed for a Retry-After", async () => {
    fake.queue.push({ kind: "error", status: 429, headers: { "Retry-After": "3600" } });
    const failed = await callChatCompletion(endpoint(), { messages: [{ role: "user", content: "x" }] }, { transport, sleep, maxRetryAfterMs: 60_000 }).catch((e) => e);
    expect(failed.details).toMatchObject({ status: 429, retryAfterMs: 3_600_000, attempts: 1 });
    expect(slept).toEqual([]);
  });

  it("times out a server that never answers, and retries it", async () => {
    fake.queue.push({ kind: "hang" }, { kind: "hang" });
    const failed = await callChatCompletion(endpoint(), { messages: [{ role: "user", content: "x" }] }, { transport, sleep, timeoutMs: 200, maxRetries: 1 }).catch((e) => e);
    expect(failed.message).toBe("no answer within 200 ms");
    expect(failed.details.attempts).toBe(2);
  });

  it("names an answer that is not JSON or has no message", async () => {
    fake.queue.push({ kind: "raw", status: 200, body: "<html>gateway</html>" });
    await expect(callChatCompletion(endpoint(), { messages: [] }, { transport, sleep })).rejects.toThrow("the answer is not JSON");
    fake.queue.push({ kind: "raw", status: 200, body: JSON.stringify({ choices: [] }) });
    await expect(callChatCompletion(endpoint(), { messages: [] }, { transport, sleep })).rejects.toThrow("no choices[0].message");
  });
});

describe("retry timing", () => {
  it("reads Retry-After in seconds, as an HTTP date, and retry-after-ms", () => {
    const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
    expect(retryAfterMs(headers({ "retry-after": "1.5" }))).toBe(1_500);
    expect(retryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    const now = Date.parse("2026-12-05T10:00:00Z");
    expect(retryAfterMs(headers({ "retry-after": "Sat, 05 Dec 2026 10:00:07 GMT" }), now)).toBe(7_000);
    expect(retryAfterMs(headers({ "retry-after": "soon" }))).toBeNull();
    expect(retryAfterMs(headers({}))).toBeNull();
  });

  it("backs off exponentially to a cap, with jitter", () => {
    expect(backoffMs(0, () => 0.5)).toBe(500);
    expect(backoffMs(3, () => 0.5)).toBe(4_000);
    expect(backoffMs(10, () => 0.5)).toBe(8_000);
    expect(backoffMs(1, () => 0)).toBe(750);
    expect(backoffMs(1, () => 1)).toBe(1_250);
  });
});
