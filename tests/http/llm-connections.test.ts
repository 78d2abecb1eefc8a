import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAi, type FakeOpenAi } from "../fake-openai";
import { appTargets, startApp, TEST_KEY, TEST_PROJECT, type RunningApp } from "../../testing/app-server";
import { ADMIN, sessionFetch, signIn, type Session } from "./tenants";

const API_KEY = "sk-http-judge-key-DO-NOT-LEAK-7f3a";
const HEADER_SECRET = "gateway-header-secret-5c1e";
const SECRET_KEY = "http-suite-secret-key-of-at-least-32-chars";

describe.each(appTargets())("LLM connection API on %s", (database) => {
  let app: RunningApp;
  let fake: FakeOpenAi;
  let admin: Session;
  const answers: string[] = [];
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${TEST_KEY}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    answers.push(text, JSON.stringify([...response.headers]));
    return { status: response.status, headers: response.headers, json: (text ? JSON.parse(text) : null) as Record<string, unknown> & { data?: Array<Record<string, unknown>> } };
  };

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    app = await startApp({ database, env: { EMBEDDING_MODEL: "driftline-glove-100d", DRIFTLINE_SECRET_KEY: SECRET_KEY, DRIFTLINE_ALLOW_PRIVATE_LLM: "1" } });
    admin = await signIn(app, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it("creates (201 + Location), lists without the key, updates, tests and deletes a connection", async () => {
    const created = await api("POST", "/api/v1/llm-connections", {
      name: "judge",
      baseUrl: fake.baseUrl,
      model: "gpt-4o-mini",
      apiKey: API_KEY,
      headers: { "X-Gateway-Token": HEADER_SECRET },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.headers.get("location")).toBe(`/api/v1/llm-connections/${id}`);
    expect(created.json).toMatchObject({ name: "judge", hasApiKey: true, apiKeyLast4: "7f3a", headerNames: ["X-Gateway-Token"] });

    const list = await api("GET", "/api/v1/llm-connections");
    expect(list.status).toBe(200);
    expect(list.json.data).toHaveLength(1);
    expect(list.json.data![0]).toMatchObject({ id, apiKeyLast4: "7f3a" });

    const renamed = await api("PATCH", `/api/v1/llm-connections/${id}`, { name: "judge 2" });
    expect(renamed).toMatchObject({ status: 200, json: { name: "judge 2", hasApiKey: true } });
    expect((await api("GET", `/api/v1/llm-connections/${id}`)).json).toMatchObject({ name: "judge 2" });

    fake.queue.push({ kind: "text", content: "OK" });
    const ok = await api("POST", `/api/v1/llm-connections/${id}/test`);
    expect(ok).toMatchObject({ status: 200, json: { ok: true, answer: "OK" } });
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(fake.requests.at(-1)!.headers["x-gateway-token"]).toBe(HEADER_SECRET);

    fake.queue.push({ kind: "error", status: 401, message: `Incorrect API key provided: ${API_KEY}` });
    const refused = await api("POST", `/api/v1/llm-connections/${id}/test`);
    expect(refused).toMatchObject({ status: 200, json: { ok: false, error: { status: 401, message: expect.stringContaining("Incorrect API key provided") } } });

    // The session tree: the same connection, Location under the project.
    const session = await sessionFetch(app, admin, `/api/projects/${TEST_PROJECT}/llm-connections`);
    const sessionText = await session.text();
    answers.push(sessionText);
    expect(JSON.parse(sessionText)).toMatchObject({ data: [{ id, name: "judge 2" }] });
    const made = await sessionFetch(app, admin, `/api/projects/${TEST_PROJECT}/llm-connections`, { method: "POST", body: { name: "session judge", baseUrl: fake.baseUrl, model: "m", apiKey: API_KEY } });
    const madeText = await made.text();
    answers.push(madeText);
    expect(made.status).toBe(201);
    const madeId = (JSON.parse(madeText) as { id: string }).id;
    expect(made.headers.get("location")).toBe(`/api/projects/${TEST_PROJECT}/llm-connections/${madeId}`);
    fake.queue.push({ kind: "text", content: "OK from the session" });
    const tested = await sessionFetch(app, admin, `/api/projects/${TEST_PROJECT}/llm-connections/${madeId}/test`, { method: "POST", body: {} });
    const testedText = await tested.text();
    answers.push(testedText);
    expect(JSON.parse(testedText)).toMatchObject({ ok: true, answer: "OK from the session" });
    expect((await sessionFetch(app, admin, `/api/projects/${TEST_PROJECT}/llm-connections/${madeId}`, { method: "DELETE" })).status).toBe(204);

    expect((await api("DELETE", `/api/v1/llm-connections/${id}`)).status).toBe(204);
    expect((await api("DELETE", `/api/v1/llm-connections/${id}`)).status).toBe(404);
    expect((await api("GET", "/api/v1/llm-connections")).json.data).toEqual([]);
  });

  it("answers bad input with 422 naming the field, a duplicate name with 409, an unknown id with 404", async () => {
    const bad = await api("POST", "/api/v1/llm-connections", { name: "x", baseUrl: "not a url", model: "", apiKey: 7, headers: { "Bad Header": "x" } });
    expect(bad.status).toBe(422);
    const paths = ((bad.json.error as { details: Array<{ path: string }> }).details ?? []).map((d) => d.path).sort();
    expect(paths).toEqual(["apiKey", "baseUrl", "headers.Bad Header", "model"]);
    expect((await api("POST", "/api/v1/llm-connections", ["not an object"])).status).toBe(400);
    expect((await api("POST", "/api/v1/llm-connections", { name: "dup", baseUrl: fake.baseUrl, model: "m" })).status).toBe(201);
    expect((await api("POST", "/api/v1/llm-connections", { name: "dup", baseUrl: fake.baseUrl, model: "m" })).status).toBe(409);
    for (const id of ["not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
      expect((await api("PATCH", `/api/v1/llm-connections/${id}`, { name: "y" })).status).toBe(404);
      expect((await api("POST", `/api/v1/llm-connections/${id}/test`)).status).toBe(404);
    }
  });

  it("never shows the key or a header value in an answer or in the server's output", async () => {
    const everything = answers.join("\n") + app.output();
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain(HEADER_SECRET);
    expect(answers.join("\n")).toContain("7f3a"); // the last four do show
  });
});

describe.each(appTargets().slice(0, 1))("LLM connections on a server without DRIFTLINE_SECRET_KEY or DRIFTLINE_ALLOW_PRIVATE_LLM (%s)", (database) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ database, env: { EMBEDDING_MODEL: "driftline-glove-100d", DRIFTLINE_SECRET_KEY: "", DRIFTLINE_ALLOW_PRIVATE_LLM: "" } });
  });
  afterAll(async () => {
    await app?.stop();
  });
  const post = (body: unknown) =>
    fetch(`${app.url}/api/v1/llm-connections`, { method: "POST", headers: { Authorization: `Bearer ${TEST_KEY}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });

  it("refuses to store a key (422 on apiKey naming the variable) and internal base URLs (422 on baseUrl)", async () => {
    const keyed = await post({ name: "k", baseUrl: "https://llm.invalid/v1", model: "m", apiKey: API_KEY });
    expect(keyed.status).toBe(422);
    const keyedBody = await keyed.text();
    expect(keyedBody).toContain("DRIFTLINE_SECRET_KEY");
    expect(keyedBody).not.toContain(API_KEY);
    expect(JSON.parse(keyedBody)).toMatchObject({ error: { details: [{ path: "apiKey" }] } });
    for (const baseUrl of ["http://127.0.0.1:11434/v1", "http://localhost:8000/v1", "http://169.254.169.254/latest"]) {
      const internal = await post({ name: "i", baseUrl, model: "m" });
      expect(internal.status, baseUrl).toBe(422);
      expect(await internal.json()).toMatchObject({ error: { details: [{ path: "baseUrl", message: expect.stringContaining("DRIFTLINE_ALLOW_PRIVATE_LLM") }] } });
    }
    expect((await post({ name: "public", baseUrl: "https://llm.invalid/v1", model: "m" })).status).toBe(201);
    expect(app.output()).not.toContain(API_KEY);
  });
});
