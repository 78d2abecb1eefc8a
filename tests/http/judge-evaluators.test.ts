import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAi, type FakeOpenAi } from "../fake-openai";
import { appTargets, startApp, TEST_KEY, type RunningApp } from "../../testing/app-server";

// An llm_judge evaluator over real HTTP with the server's own evaluation job: a connection to the fake
// OpenAI-compatible server, a RAG trace with its retrieved contexts, and the faithfulness score with the
// judge's reasoning read back through the API. The connection's key never comes back, nor reaches the log.

const API_KEY = "sk-http-judge-evaluator-NEVER-SHOWN-91ab";
const SECRET_KEY = "http-judge-evaluator-secret-key-of-32-chars-at-least";
const CONTEXTS = [
  { content: "Refunds are issued to the original payment method within 5 business days.", id: "kb-12", source: "kb/refunds.md", score: 0.91 },
  { content: "Gift cards cannot be refunded.", id: "kb-40", source: "kb/gift-cards.md", score: 0.62 },
];
const ANSWER = "Your refund goes back to the card you paid with within 5 business days. We also add a 10% bonus.";
const REASONING = "Sentence 1 is stated in context 1. The 10% bonus appears in no context.";

describe.each(appTargets())("llm_judge evaluators over HTTP on %s", (database) => {
  let app: RunningApp;
  let fake: FakeOpenAi;
  const answers: string[] = [];
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${TEST_KEY}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    answers.push(text);
    return { status: response.status, json: (text ? JSON.parse(text) : null) as Record<string, unknown> & { data?: Array<Record<string, unknown>> } };
  };

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    app = await startApp({ database, env: { EMBEDDING_MODEL: "driftline-glove-100d", DRIFTLINE_SECRET_KEY: SECRET_KEY, DRIFTLINE_ALLOW_PRIVATE_LLM: "1", DRIFTLINE_DEMO: "0" } });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it("judges a RAG trace's faithfulness to its contexts and answers the score with the reasoning; the key never shows", async () => {
    const connection = await api("POST", "/api/v1/llm-connections", { name: "fake judge", baseUrl: fake.baseUrl, model: "gpt-4o-mini", apiKey: API_KEY });
    expect(connection.status).toBe(201);
    const connectionId = connection.json.id as string;

    const refused = await api("POST", "/api/v1/evaluators", { name: "bad judge", kind: "llm_judge", settings: { connectionId: "00000000-0000-4000-8000-000000000000", template: "faithfulness" } });
    expect(refused.status).toBe(422);
    expect((refused.json.error as { details: unknown }).details).toEqual([{ path: "settings.connectionId", message: "is not an LLM connection of this project" }]);

    const created = await api("POST", "/api/v1/evaluators", { name: "grounded", kind: "llm_judge", settings: { connectionId, template: "faithfulness", dailyCallCap: 50 } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ kind: "llm_judge", scoreNames: ["grounded.faithfulness"], settings: { connectionId, template: "faithfulness", dailyCallCap: 50, concurrency: 4 } });
    const evaluatorId = created.json.id as string;

    fake.queue.push({ kind: "tool", name: "submit_verdicts", arguments: { reasons: REASONING, verdicts: ["yes", "no"] } });
    const ingested = await api("POST", "/api/v1/traces", {
      traces: [{ id: "rag-refund", model: "gpt-4o-mini", prompt: [{ role: "user", content: "How do refunds work?" }], response: ANSWER, latencyMs: 420, contexts: CONTEXTS }],
    });
    expect(ingested.status).toBe(200);

    const judged = async () => ((await api("GET", "/api/v1/scores?traceId=rag-refund")).json.data ?? []).filter((s) => s.source === "eval");
    await expect.poll(async () => (await judged()).length, { timeout: 60_000, interval: 500 }).toBe(1);
    // Faithfulness: the share of the answer's sentences the contexts support, 1 of 2.
    expect((await judged())[0]).toMatchObject({ name: "grounded.faithfulness", value: 0.5, comment: REASONING });

    // The judge saw the question's answer and both retrieved contexts, with the key as the bearer token.
    expect(fake.requests).toHaveLength(1);
    const prompt = (fake.requests[0]!.body as { messages: Array<{ content: string }> }).messages.map((m) => m.content).join("\n");
    for (const text of [CONTEXTS[0]!.content, CONTEXTS[1]!.content, "We also add a 10% bonus."]) expect(prompt).toContain(text);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);

    const evaluator = await api("GET", `/api/v1/evaluators/${evaluatorId}`);
    expect(evaluator.json).toMatchObject({ paused: false, pausedUntil: null, scored: { traces: 1 }, judgeToday: { calls: 1 } });
    const series = await api("GET", `/api/v1/evaluators/${evaluatorId}/series`);
    expect(series.status).toBe(200);
    expect((series.json as { worst: Array<Record<string, unknown>> }).worst[0]).toMatchObject({ score: "grounded.faithfulness", value: 0.5, comment: REASONING });

    // A connection a judge uses cannot be deleted from under it.
    expect((await api("DELETE", `/api/v1/llm-connections/${connectionId}`)).status).toBe(409);

    for (const text of answers) expect(text).not.toContain(API_KEY);
    expect(app.output()).not.toContain(API_KEY);
    expect(app.output()).not.toContain(API_KEY.slice(-12));
  });
});
