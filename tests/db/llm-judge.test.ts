import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { judgeCache, llmConnections, projects } from "@/db/schema";
import { checkJudgeBudget, estimateJudgeCost, judgeUsageOn, recordJudgeUsage } from "@/lib/evals/judge/budget";
import { dbJudgeCache } from "@/lib/evals/judge/cache";
import { createSemaphore, runJudge } from "@/lib/evals/judge/run";
import { customTemplate, TEMPLATES } from "@/lib/evals/judge/templates";
import { createLlmConnection, deleteLlmConnection, listLlmConnections, openLlmConnection, testLlmConnection, updateLlmConnection } from "@/lib/services/llm-connections";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { startFakeOpenAi, type FakeOpenAi } from "../fake-openai";
import { dbTargets } from "./targets";

const SECRET = "a-test-master-secret-of-at-least-32-characters";
const API_KEY = "sk-judge-0123456789-SECRETKEYTAIL";
const HEADER_SECRET = "hdr-secret-value-987654";
const operator = { kind: "operator" } as const;
const noSleep = async () => {};

async function failsWith(promise: Promise<unknown>, type: new (...args: never[]) => Error): Promise<Error> {
  const error = await promise.then(
    () => null,
    (e: Error) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error!;
}

describe.each(dbTargets())("LLM connections and the judge on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let projectId: string;
  let otherProjectId: string;
  let fake: FakeOpenAi;
  const ctx = () => ({ db: handle.db, actor: operator });

  beforeAll(async () => {
    handle = await target.open();
    const [a, b] = await handle.db.insert(projects).values([{ slug: "judge-a", name: "a" }, { slug: "judge-b", name: "b" }]).returning();
    projectId = a!.id;
    otherProjectId = b!.id;
    fake = await startFakeOpenAi();
  });
  afterAll(async () => {
    delete process.env.DRIFTLINE_SECRET_KEY;
    delete process.env.DRIFTLINE_ALLOW_PRIVATE_LLM;
    await fake?.close();
    await handle?.dispose();
  });
  beforeEach(() => {
    process.env.DRIFTLINE_SECRET_KEY = SECRET;
    process.env.DRIFTLINE_ALLOW_PRIVATE_LLM = "1";
    fake.queue.length = 0;
    fake.requests.length = 0;
  });

  it("stores the key and headers sealed, shows only the last four characters, and refuses a key without DRIFTLINE_SECRET_KEY", async () => {
    const view = await createLlmConnection({
      ctx: ctx(),
      input: { projectId, body: { name: "sealed", baseUrl: fake.baseUrl, model: "gpt-4o-mini", apiKey: API_KEY, headers: { "X-Gateway-Token": HEADER_SECRET } } },
    });
    expect(view).toMatchObject({ name: "sealed", hasApiKey: true, apiKeyLast4: "TAIL", headerNames: ["X-Gateway-Token"] });
    expect(JSON.stringify(view)).not.toContain(API_KEY);
    expect(JSON.stringify(await listLlmConnections(handle.db, projectId))).not.toContain(HEADER_SECRET);
    const [row] = await handle.db.select().from(llmConnections);
    expect(JSON.stringify(row)).not.toContain(API_KEY);
    expect(JSON.stringify(row)).not.toContain(HEADER_SECRET);
    const opened = await openLlmConnection(handle.db, projectId, view.id);
    expect(opened.endpoint).toMatchObject({ apiKey: API_KEY, headers: { "X-Gateway-Token": HEADER_SECRET } });

    delete process.env.DRIFTLINE_SECRET_KEY;
    const refused = (await failsWith(createLlmConnection({ ctx: ctx(), input: { projectId, body: { name: "clear", baseUrl: fake.baseUrl, model: "m", apiKey: API_KEY } } }), ValidationError)) as ValidationError;
    expect(refused.details).toEqual([{ path: "apiKey", message: expect.stringContaining("DRIFTLINE_SECRET_KEY") }]);
    // Without a key nothing needs sealing (a local server).
    await createLlmConnection({ ctx: ctx(), input: { projectId, body: { name: "keyless", baseUrl: fake.baseUrl, model: "m" } } });
    // A stored key cannot be opened without the variable: the judge is told why.
    const unreadable = (await failsWith(openLlmConnection(handle.db, projectId, view.id), ValidationError)) as ValidationError;
    expect(JSON.stringify(unreadable.details)).toContain("DRIFTLINE_SECRET_KEY");
  });

  it("validates fields, names, roles and tenancy", async () => {
    const bad = (await failsWith(
      createLlmConnection({ ctx: ctx(), input: { projectId, body: { name: "", baseUrl: "ftp://x", model: "m", headers: { Host: "x" }, extra: 1 } } }),
      ValidationError,
    )) as ValidationError;
    expect(bad.details!.map((d) => d.path).sort()).toEqual(["baseUrl", "extra", "headers.Host", "name"]);
    await createLlmConnection({ ctx: ctx(), input: { projectId, body: { name: "dup", baseUrl: fake.baseUrl, model: "m" } } });
    await failsWith(createLlmConnection({ ctx: ctx(), input: { projectId, body: { name: "dup", baseUrl: fake.baseUrl, model: "m" } } }), ConflictError);
    // The same name in another project is another connection.
    const other = await createLlmConnection({ ctx: ctx(), input: { projectId: otherProjectId, body: { name: "dup", baseUrl: fake.baseUrl, model: "m" } } });
    await failsWith(updateLlmConnection({ ctx: ctx(), input: { projectId, id: other.id, body: { name: "mine now" } } }), NotFoundError);
    await failsWith(deleteLlmConnection({ ctx: ctx(), input: { projectId, id: other.id } }), NotFoundError);
    await failsWith(testLlmConnection({ ctx: ctx(), input: { projectId, id: other.id } }), NotFoundError);
    const viewer = { db: handle.db, actor: { kind: "user" as const, userId: "u", role: "viewer" as const } };
    await failsWith(createLlmConnection({ ctx: viewer, input: { projectId, body: { name: "v", baseUrl: fake.baseUrl, model: "m" } } }), ForbiddenError);
    await failsWith(testLlmConnection({ ctx: viewer, input: { projectId, id: other.id } }), ForbiddenError);
    const updated = await updateLlmConnection({ ctx: ctx(), input: { projectId: otherProjectId, id: other.id, body: { model: "m2", apiKey: API_KEY } } });
    expect(updated).toMatchObject({ model: "m2", hasApiKey: true, apiKeyLast4: "TAIL" });
    const cleared = await updateLlmConnection({ ctx: ctx(), input: { projectId: otherProjectId, id: other.id, body: { apiKey: null } } });
    expect(cleared).toMatchObject({ hasApiKey: false, apiKeyLast4: null });
    await deleteLlmConnection({ ctx: ctx(), input: { projectId: otherProjectId, id: other.id } });
    expect(await listLlmConnections(handle.db, otherProjectId)).toEqual([]);
  });

  it("refuses internal base URLs unless DRIFTLINE_ALLOW_PRIVATE_LLM=1, at creation and again at each call", async () => {
    const allowed = await createLlmConnection({ ctx: ctx(), input: { projectId, body: { name: "local", baseUrl: fake.baseUrl, model: "m" } } });
    delete process.env.DRIFTLINE_ALLOW_PRIVATE_LLM;
    for (const baseUrl of [fake.baseUrl, "http://localhost:11434/v1", "http://169.254.169.254/v1", "http://[::1]:8000/v1"]) {
      const error = (await failsWith(createLlmConnection({ ctx: ctx(), input: { projectId, body: { name: `x${baseUrl.length}`, baseUrl, model: "m" } } }), ValidationError)) as ValidationError;
      expect(error.details).toEqual([{ path: "baseUrl", message: expect.stringContaining("DRIFTLINE_ALLOW_PRIVATE_LLM") }]);
    }
    const test = await testLlmConnection({ ctx: ctx(), input: { projectId, id: allowed.id } });
    expect(test).toMatchObject({ ok: false, error: { status: null, message: expect.stringContaining("internal address") } });
    expect(fake.requests).toHaveLength(0);
  });

  it("tests a connection: the answer, or the exact error, never the key", async () => {
    const view = await createLlmConnection({
      ctx: ctx(),
      input: { projectId, body: { name: "tested", baseUrl: fake.baseUrl, model: "gpt-4o-mini", apiKey: API_KEY, headers: { "X-Gateway-Token": HEADER_SECRET } } },
    });
    fake.queue.push({ kind: "text", content: "OK" });
    const ok = await testLlmConnection({ ctx: ctx(), input: { projectId, id: view.id } });
    expect(ok).toMatchObject({ ok: true, answer: "OK" });
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(fake.requests[0]!.headers["x-gateway-token"]).toBe(HEADER_SECRET);
    fake.queue.push({ kind: "error", status: 401, message: `Incorrect API key provided: ${API_KEY}` });
    const failed = await testLlmConnection({ ctx: ctx(), input: { projectId, id: view.id } });
    expect(failed).toMatchObject({ ok: false, error: { status: 401, message: expect.stringContaining("Incorrect API key provided") } });
    expect(JSON.stringify(failed)).not.toContain(API_KEY);
    expect(fake.requests).toHaveLength(2); // no retries for a test
  });

  const connection = () => ({ endpoint: { baseUrl: fake.baseUrl, model: "gpt-4o-mini", apiKey: API_KEY } });
  const question = "How do I export my invoices?";
  const answer = "Open Billing, then Invoices, then Export. Exports are CSV files.";
  const reference = "Go to Billing > Invoices and press Export.";
  const contexts = ["Billing holds Invoices; each list has an Export button.", "Exports are downloaded as CSV."];

  it("sends the question, answer, reference and contexts, and maps the verdicts to the documented scores", async () => {
    fake.queue.push({ kind: "tool", name: "select_choice", arguments: { reasons: "Same steps as the reference.", choice: "partially_correct" } });
    const correctness = await runJudge(connection(), TEMPLATES.correctness, { question, answer, reference }, { cache: null });
    expect(correctness).toMatchObject({ status: "scored", score: 0.5, reasoning: "Same steps as the reference.", cached: false, usage: { promptTokens: 100, completionTokens: 20 } });
    const sent = fake.requests[0]!.body as { model: string; messages: Array<{ content: string }>; tool_choice: unknown };
    expect(sent.model).toBe("gpt-4o-mini");
    const prompt = sent.messages.map((m) => m.content).join("\n");
    for (const text of [question, answer, reference]) expect(prompt).toContain(text);
    expect(sent.tool_choice).toEqual({ type: "function", function: { name: "select_choice" } });

    fake.queue.push({ kind: "tool", name: "submit_verdicts", arguments: { reasons: "1 yes, 2 no", verdicts: ["no", "yes"] } });
    const precision = await runJudge(connection(), TEMPLATES.context_precision, { question, answer, reference, contexts }, { cache: null });
    // RAGAS context precision of [no, yes]: precision@2 = 1/2.
    expect(precision).toMatchObject({ status: "scored", score: 0.5, reasoning: "1 yes, 2 no" });
    const contextPrompt = (fake.requests[1]!.body as { messages: Array<{ content: string }> }).messages.map((m) => m.content).join("\n");
    for (const c of contexts) expect(contextPrompt).toContain(c);

    fake.queue.push({ kind: "tool", name: "submit_verdicts", arguments: { reasons: "both supported", verdicts: ["yes", "yes"] } });
    expect(await runJudge(connection(), TEMPLATES.faithfulness, { question, answer, contexts }, { cache: null })).toMatchObject({ status: "scored", score: 1 });

    const rubric = customTemplate({ kind: "scale", rubric: "Rate the politeness from 1 to 5.", min: 1, max: 5 }, 1);
    fake.queue.push({ kind: "text", content: '```json\n{"reasons": "polite enough", "choice": "4"}\n```' });
    expect(await runJudge(connection(), rubric, { question, answer }, { cache: null })).toMatchObject({ status: "scored", score: 0.75, reasoning: "polite enough" });

    // Without what a template needs, nothing is sent.
    const before = fake.requests.length;
    expect(await runJudge(connection(), TEMPLATES.faithfulness, { question, answer, contexts: [] })).toEqual({ status: "skipped", reason: "no retrieved contexts" });
    expect(fake.requests.length).toBe(before);
  });

  it("honours Retry-After on 429, retries 500s then fails, and keeps a garbage answer raw without a score", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    fake.queue.push({ kind: "error", status: 429, message: "slow down", headers: { "Retry-After": "2" } });
    fake.queue.push({ kind: "tool", name: "select_choice", arguments: { reasons: "on point", choice: "relevant" } });
    expect(await runJudge(connection(), TEMPLATES.relevance, { question, answer }, { cache: null, sleep })).toMatchObject({ status: "scored", score: 1, attempts: 2 });
    expect(waits).toEqual([2000]);

    for (let i = 0; i < 3; i++) fake.queue.push({ kind: "error", status: 500, message: "upstream exploded" });
    const failed = await runJudge(connection(), TEMPLATES.relevance, { question, answer }, { cache: null, sleep: noSleep, maxRetries: 2 });
    expect(failed).toMatchObject({ status: "failed", kind: "call", httpStatus: 500, attempts: 3, message: expect.stringContaining("upstream exploded") });

    fake.queue.push({ kind: "text", content: "I think it is quite relevant, maybe 7/10." });
    const garbage = await runJudge(connection(), TEMPLATES.relevance, { question, answer }, { cache: null });
    expect(garbage).toMatchObject({ status: "failed", kind: "answer" });
    expect(garbage.status === "failed" && garbage.raw).toContain("maybe 7/10");
    expect(garbage).not.toHaveProperty("score");
    fake.queue.push({ kind: "tool", name: "select_choice", arguments: { reasons: "?", choice: "very_relevant" } });
    expect(await runJudge(connection(), TEMPLATES.relevance, { question, answer }, { cache: null })).toMatchObject({ status: "failed", kind: "answer" });
    expect(JSON.stringify(fake.requests.map((r) => r.body))).not.toContain(API_KEY);
  });

  it("caches a verdict so that a retry or a backfill never pays twice", async () => {
    const cache = dbJudgeCache(handle.db, projectId);
    fake.queue.push({ kind: "tool", name: "select_choice", arguments: { reasons: "on point", choice: "partially_relevant" } });
    const first = await runJudge(connection(), TEMPLATES.relevance, { question: "cache me", answer }, { cache });
    const second = await runJudge(connection(), TEMPLATES.relevance, { question: "cache me", answer }, { cache });
    expect(first).toMatchObject({ status: "scored", score: 0.5, cached: false });
    expect(second).toMatchObject({ status: "scored", score: 0.5, reasoning: "on point", cached: true, usage: { promptTokens: 0, completionTokens: 0 } });
    expect(fake.requests).toHaveLength(1);
    // Another model, another question or another project is another key.
    fake.queue.push({ kind: "tool", name: "select_choice", arguments: { reasons: "x", choice: "relevant" } });
    await runJudge({ endpoint: { ...connection().endpoint, model: "gpt-4o" } }, TEMPLATES.relevance, { question: "cache me", answer }, { cache });
    fake.queue.push({ kind: "tool", name: "select_choice", arguments: { reasons: "x", choice: "relevant" } });
    await runJudge(connection(), TEMPLATES.relevance, { question: "cache me", answer }, { cache: dbJudgeCache(handle.db, otherProjectId) });
    expect(fake.requests).toHaveLength(3);
    const rows = await handle.db.select().from(judgeCache);
    expect(rows.filter((r) => r.projectId === projectId)).toHaveLength(2);
    // A failure is not cached.
    fake.queue.push({ kind: "text", content: "no idea" });
    expect(await runJudge(connection(), TEMPLATES.relevance, { question: "fail me", answer }, { cache })).toMatchObject({ status: "failed" });
    fake.queue.push({ kind: "tool", name: "select_choice", arguments: { reasons: "x", choice: "irrelevant" } });
    expect(await runJudge(connection(), TEMPLATES.relevance, { question: "fail me", answer }, { cache })).toMatchObject({ status: "scored", score: 0, cached: false });
  });

  it("bounds concurrency with a semaphore", async () => {
    const semaphore = createSemaphore(2);
    let peak = 0;
    const tasks = Array.from({ length: 6 }, () =>
      semaphore.run(async () => {
        peak = Math.max(peak, semaphore.active);
        await new Promise((r) => setTimeout(r, 10));
      }),
    );
    await Promise.all(tasks);
    expect(peak).toBe(2);
    expect(semaphore.active).toBe(0);
  });

  it("counts calls and estimated cost per evaluator and day, and stops at the daily cap", async () => {
    const at = new Date("2026-03-01T12:00:00Z");
    const usage = { promptTokens: 1_000_000, completionTokens: 1_000_000 };
    // gpt-4o-mini from the price table: $0.15 in + $0.60 out per million.
    expect(estimateJudgeCost("gpt-4o-mini", usage)).toBeCloseTo(0.75, 6);
    expect(estimateJudgeCost("our-private-judge", usage)).toBeNull();
    expect(estimateJudgeCost("our-private-judge", usage, { inputPerMillion: 1, outputPerMillion: 2 })).toBeCloseTo(3, 6);

    const budget = { maxCallsPerDay: 2, maxCostUsdPerDay: null };
    expect(await checkJudgeBudget(handle.db, { projectId, evaluatorId: "ev-1", budget, at })).toMatchObject({ allowed: true, used: { calls: 0 } });
    await recordJudgeUsage(handle.db, { projectId, evaluatorId: "ev-1", model: "gpt-4o-mini", usage, at });
    await recordJudgeUsage(handle.db, { projectId, evaluatorId: "ev-1", model: "our-private-judge", usage: { promptTokens: 10, completionTokens: 5 }, at });
    const check = await checkJudgeBudget(handle.db, { projectId, evaluatorId: "ev-1", budget, at });
    expect(check).toMatchObject({ allowed: false, reason: "daily cap of 2 judge calls reached" });
    expect(check.used).toMatchObject({ calls: 2, promptTokens: 1_000_010, completionTokens: 1_000_005, unpricedCalls: 1 });
    expect(check.used.costUsd).toBeCloseTo(0.75, 6);
    expect(await checkJudgeBudget(handle.db, { projectId, evaluatorId: "ev-1", budget: { maxCostUsdPerDay: 0.5 }, at })).toMatchObject({ allowed: false });
    // The next UTC day, another evaluator, another project: fresh.
    expect(await checkJudgeBudget(handle.db, { projectId, evaluatorId: "ev-1", budget, at: new Date("2026-03-02T00:00:01Z") })).toMatchObject({ allowed: true });
    expect(await checkJudgeBudget(handle.db, { projectId, evaluatorId: "ev-2", budget, at })).toMatchObject({ allowed: true });
    expect((await judgeUsageOn(handle.db, otherProjectId, "ev-1", at)).calls).toBe(0);
  });
});
