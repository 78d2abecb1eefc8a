import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { Langfuse } from "langfuse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PYTHON_GENERATION_ID, pythonSdkBatch } from "../../testing/fixtures/langfuse-python-batch";
import { appTargets, startApp, TEST_KEY, TEST_PROJECT, type RunningApp } from "../../testing/app-server";

const bearer = { Authorization: `Bearer ${TEST_KEY}` };
const basic = (user: string, key: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}` });

/** The JS snippet of docs/clients.md, as a reader would paste it. */
function docSnippet(): string {
  const doc = readFileSync("docs/clients.md", "utf8");
  const match = /<!-- snippet: langfuse-v3-js[^>]*-->\s*```js\n([\s\S]*?)```/.exec(doc);
  if (!match) throw new Error("the langfuse-v3-js snippet is missing from docs/clients.md");
  return match[1]!;
}

describe.each(appTargets())("the Langfuse v3 SDK over HTTP on %s", (database) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ database });
  }, 150_000);
  afterAll(async () => {
    await app?.stop();
  });

  const read = async (path: string) => {
    const response = await fetch(`${app.url}${path}`, { headers: bearer });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const client = (options: { secretKey?: string; flushAt?: number } = {}) =>
    new Langfuse({ publicKey: TEST_PROJECT, secretKey: options.secretKey ?? TEST_KEY, baseUrl: app.url, flushAt: options.flushAt ?? 15, fetchRetryCount: 0 });

  it("stores a streamed generation (create, first chunk, end — each in its own request) with its trace's fields and scores", async () => {
    const langfuse = client({ flushAt: 1 });
    const errors: unknown[] = [];
    langfuse.on("error", (e) => errors.push(e));
    const traceId = randomUUID();
    const trace = langfuse.trace({ id: traceId, name: "support-answer", userId: "u-42", sessionId: "chat-9", tags: ["billing"], metadata: { plan: "pro" }, release: "2026.11.3" });
    const start = new Date(Date.now() - 2_000);
    const generation = trace.generation({
      name: "answer",
      model: "gpt-4o-mini",
      modelParameters: { temperature: 0.2, max_tokens: 200 },
      input: [
        { role: "system", content: "You are a billing assistant." },
        { role: "user", content: "Why was I charged twice?" },
      ],
      startTime: start,
    });
    generation.update({ completionStartTime: new Date(start.getTime() + 240) });
    generation.end({
      output: { role: "assistant", content: "The second charge is a pending authorisation; it drops off in 3 days." },
      usageDetails: { input: 30, input_cached_tokens: 12, output: 17 },
      costDetails: { input: 0.000021, output: 0.000034 },
    });
    trace.score({ name: "user_feedback", value: 1 });
    langfuse.score({ traceId, observationId: generation.id, name: "judge.helpfulness", value: 0.75, id: `judge-${generation.id}` });
    await langfuse.shutdownAsync();
    expect(errors).toEqual([]);

    const { status, body } = await read(`/api/v1/traces/${generation.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      externalId: generation.id,
      timestamp: start.toISOString(),
      model: "gpt-4o-mini",
      route: "support-answer",
      prompt: [
        { role: "system", content: "You are a billing assistant." },
        { role: "user", content: "Why was I charged twice?" },
      ],
      response: [{ role: "assistant", content: "The second charge is a pending authorisation; it drops off in 3 days." }],
      ttftMs: 240,
      inputTokens: 42,
      outputTokens: 17,
      costUsd: 0.000055,
      status: "ok",
      userId: "u-42",
      sessionId: "chat-9",
      tags: ["billing"],
      scores: { user_feedback: 1, "judge.helpfulness": 0.75 },
    });
    expect(body.latencyMs).toBeGreaterThan(240);
    expect(body.metadata).toMatchObject({
      plan: "pro",
      release: "2026.11.3",
      requestParams: { temperature: 0.2, max_tokens: 200 },
      langfuse: { traceId, observationId: generation.id, name: "answer", cachedInputTokens: 12 },
    });
  });

  it("records a failed generation as an error, and leaves what the SDK did not send null", async () => {
    const langfuse = client();
    const trace = langfuse.trace({ name: "failing" });
    const generation = trace.generation({ model: "gpt-4o", input: "Summarise the ticket" });
    generation.end({ level: "ERROR", statusMessage: "429 Too Many Requests" });
    await langfuse.shutdownAsync();
    const { body } = await read(`/api/v1/traces/${generation.id}`);
    expect(body).toMatchObject({
      status: "error",
      error: "429 Too Many Requests",
      prompt: "Summarise the ticket",
      response: null,
      inputTokens: null,
      outputTokens: null,
      costUsd: null,
      ttftMs: null,
      provider: null,
    });
  });

  it("takes late feedback through /api/v1/scores by the client's id, and lists it", async () => {
    const langfuse = client();
    const generation = langfuse.trace({ name: "late" }).generation({ model: "gpt-4o-mini", input: "hello" });
    generation.end({ output: "hi" });
    await langfuse.shutdownAsync();
    const post = (body: unknown) =>
      fetch(`${app.url}/api/v1/scores`, { method: "POST", headers: { ...bearer, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const created = await post({ externalId: generation.id, name: "thumbs", value: 0, scoreId: "fb-1", comment: "wrong answer" });
    expect(created.status).toBe(201);
    expect((await post({ externalId: generation.id, name: "thumbs", value: 1, scoreId: "fb-1" })).status).toBe(200);
    const missing = await post({ externalId: "no-such-trace", name: "thumbs", value: 1 });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
    const bad = await post({ externalId: generation.id, name: "thumbs", value: "yes" });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ error: { details: [{ path: "value", message: "must be a finite number" }] } });
    const listed = await read(`/api/v1/scores?traceId=${encodeURIComponent(generation.id)}`);
    expect(listed.body).toMatchObject({ data: [{ externalId: generation.id, name: "thumbs", value: 1, scoreId: "fb-1", comment: "wrong answer", source: "api" }] });
  });

  it("refuses a wrong key pair with 401 JSON and stores nothing", async () => {
    const body = JSON.stringify({ batch: [{ id: "e-1", type: "trace-create", timestamp: new Date().toISOString(), body: { id: "t-wrong" } }] });
    for (const headers of [basic(TEST_PROJECT, "dl_not_a_key"), basic("another-project", TEST_KEY), {}]) {
      const response = await fetch(`${app.url}/api/public/ingestion`, { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body });
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(await response.json()).toMatchObject({ error: { code: "unauthenticated" } });
    }
    const langfuse = client({ secretKey: "dl_wrong_secret" });
    const generation = langfuse.trace({ name: "refused" }).generation({ model: "m", input: "x" });
    generation.end({ output: "y" });
    await langfuse.shutdownAsync();
    expect((await read(`/api/v1/traces/${generation.id}`)).status).toBe(404);
  });

  it("answers a mixed batch 207 with an error per bad event and its path", async () => {
    const now = new Date().toISOString();
    const response = await fetch(`${app.url}/api/public/ingestion`, {
      method: "POST",
      headers: { ...basic(TEST_PROJECT, TEST_KEY), "Content-Type": "application/json" },
      body: JSON.stringify({
        batch: [
          { id: "ok-1", type: "span-create", timestamp: now, body: { id: "span-1", traceId: "t-m" } },
          { id: "bad-1", type: "generation-create", timestamp: now, body: { id: "g-m", startTime: "yesterday" } },
          { id: "bad-2", type: "score-create", timestamp: now, body: { observationId: "g-none", name: "x", value: 1 } },
        ],
      }),
    });
    expect(response.status).toBe(207);
    expect(await response.json()).toEqual({
      successes: [{ id: "ok-1", status: 201 }],
      errors: [
        { id: "bad-1", status: 400, message: expect.stringContaining("batch[1].body.startTime"), error: [expect.objectContaining({ path: "batch[1].body.startTime" })] },
        { id: "bad-2", status: 404, message: expect.stringContaining("batch[2].body.observationId"), error: [expect.objectContaining({ path: "batch[2].body.observationId" })] },
      ],
    });
    const notJson = await fetch(`${app.url}/api/public/ingestion`, { method: "POST", headers: { ...bearer, "Content-Type": "application/json" }, body: "{" });
    expect(notJson.status).toBe(400);
  });

  it("stores a replayed Langfuse Python SDK batch", async () => {
    const response = await fetch(`${app.url}/api/public/ingestion`, {
      method: "POST",
      headers: { ...basic(TEST_PROJECT, TEST_KEY), "Content-Type": "application/json" },
      body: JSON.stringify(pythonSdkBatch()),
    });
    expect(response.status).toBe(207);
    expect(((await response.json()) as { errors: unknown[] }).errors).toEqual([]);
    const { body } = await read(`/api/v1/traces/${PYTHON_GENERATION_ID}`);
    expect(body).toMatchObject({
      timestamp: "2024-08-14T02:38:56.101Z",
      model: "gpt-3.5-turbo",
      route: "test-trace-litellm-proxy-passthrough",
      response: "The Q3 OKRs contain goals for multiple teams...",
      inputTokens: 50,
      outputTokens: 49,
      scores: { quality: 0.8 },
      metadata: { interface: "whatsapp", requestParams: { maxTokens: "1000", temperature: "0.9" } },
    });
    expect(body.latencyMs).toBeCloseTo(1410.814, 0);
    expect(body.ttftMs).toBeCloseTo(630.898, 0);
  });

  it("runs the docs/clients.md snippet as pasted", async () => {
    const exec = promisify(execFile);
    await exec(process.execPath, ["--input-type=module", "-e", docSnippet()], {
      cwd: process.cwd(),
      env: { ...process.env, LANGFUSE_PUBLIC_KEY: TEST_PROJECT, LANGFUSE_SECRET_KEY: TEST_KEY, LANGFUSE_BASEURL: app.url },
      timeout: 60_000,
    });
    const { body } = await read("/api/v1/traces?limit=100");
    const stored = (body.data as Array<Record<string, unknown>>).find((t) => Array.isArray(t.tags) && (t.tags as string[]).includes("docs-snippet"));
    expect(stored).toMatchObject({
      model: "gpt-4o-mini",
      route: "support-answer",
      userId: "user-42",
      prompt: [{ role: "user", content: "How do I reset my password?" }],
      response: "Use the reset link on the sign-in page.",
      inputTokens: 12,
      outputTokens: 9,
    });
    expect(stored?.ttftMs).not.toBeNull();
    const full = await read(`/api/v1/traces/${stored!.id as string}`);
    expect(full.body.scores).toEqual({ user_feedback: 1 });
  });
});
