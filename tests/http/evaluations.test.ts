import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeMetrics, prepareMetric, type MetricName } from "@/lib/evals/metrics";
import { appTargets, startApp, TEST_KEY, type RunningApp } from "../../testing/app-server";

// The evaluation ladder over real HTTP, with the server's own jobs: a golden set uploaded as JSONL, traces
// whose prompts match its items, and the scores the evaluation job writes onto them.

const GOLDEN = [
  { input: "How do I rotate my API key?", expectedOutput: "Open Settings, API keys, create a new key, switch your clients to it, then revoke the old one." },
  { input: "Why did my webhook delivery fail?", expectedOutput: "Webhooks time out after 10 seconds: acknowledge with a 2xx at once and do the work asynchronously." },
];

async function metric(name: MetricName, response: string, reference: string): Promise<number> {
  const out = await computeMetrics([prepareMetric(name)], { prompt: null, response, reference });
  return (out[name] as { value: number }).value;
}

describe.each(appTargets())("evaluations over HTTP on %s", (database) => {
  let app: RunningApp;
  const api = (route: string, init: { method?: string; body?: unknown; raw?: string; type?: string } = {}) =>
    fetch(`${app.url}${route}`, {
      method: init.method ?? "GET",
      headers: { Authorization: `Bearer ${TEST_KEY}`, ...(init.body !== undefined || init.raw !== undefined ? { "Content-Type": init.type ?? "application/json" } : {}) },
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
  const scoresOf = async (traceId: string) => {
    const response = await api(`/api/v1/scores?traceId=${encodeURIComponent(traceId)}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: Array<{ name: string; value: number; source: string }> }).data.filter((s) => s.source === "eval");
  };
  const post = (traces: unknown[]) => api("/api/v1/traces", { method: "POST", body: { traces } });
  const trace = (id: string, prompt: string, response: string) => ({ id, model: "gpt-4o-mini", prompt: [{ role: "user", content: prompt }], response, latencyMs: 300 });

  beforeAll(async () => {
    app = await startApp({ database, env: { EMBEDDING_MODEL: "driftline-glove-100d", DRIFTLINE_DEMO: "0" } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("uploads a golden set, scores matching traces with the metric definitions' values, and leaves others unscored", async () => {
    const created = await api("/api/v1/datasets", { method: "POST", body: { name: "api answers" } });
    expect(created.status).toBe(201);
    const dataset = (await created.json()) as { id: string };
    expect(created.headers.get("location")).toBe(`/api/v1/datasets/${dataset.id}`);
    const jsonl = GOLDEN.map((g) => JSON.stringify(g)).join("\n");
    const upload = await api(`/api/v1/datasets/${dataset.id}/items`, { method: "POST", raw: jsonl, type: "application/x-ndjson" });
    expect(upload.status).toBe(201);
    expect(await upload.json()).toMatchObject({ items: 2, version: 2, added: 2 });
    const bad = await api(`/api/v1/datasets/${dataset.id}/items`, { method: "POST", raw: "input,expected\n\"open quote", type: "text/csv" });
    expect(bad.status).toBe(422);

    const evaluator = await api("/api/v1/evaluators", { method: "POST", body: { name: "golden", kind: "ngram", datasetId: dataset.id, settings: { metrics: ["bleu", "chrf", "rougeL"] } } });
    expect(evaluator.status).toBe(201);
    const paused = await api("/api/v1/evaluators", { method: "POST", body: { name: "paused", kind: "heuristic", paused: true } });
    expect(paused.status).toBe(201);
    const invalid = await api("/api/v1/evaluators", { method: "POST", body: { name: "bad", kind: "semantic", sampleRate: 3, settings: { metrics: ["bleu"] } } });
    expect(invalid.status).toBe(422);
    const paths = ((await invalid.json()) as { error: { details: Array<{ path: string }> } }).error.details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["sampleRate", "settings.metrics.0"]));

    const answer = "Open Settings, API keys, make a new key, move your clients to it and revoke the old key.";
    expect((await post([trace("eval-match", GOLDEN[0]!.input, answer), trace("eval-other", "What is the capital of Mongolia?", "Ulaanbaatar.")])).status).toBe(200);

    await expect.poll(async () => (await scoresOf("eval-match")).length, { timeout: 60_000, interval: 500 }).toBe(3);
    const scores = await scoresOf("eval-match");
    for (const name of ["bleu", "chrf", "rougeL"] as const) {
      expect(scores.find((s) => s.name === `golden.${name}`)!.value).toBeCloseTo(await metric(name, answer, GOLDEN[0]!.expectedOutput), 12);
    }
    // Scored by the same job pass or already waiting: the unrelated trace gets no reference-based score, the paused evaluator nothing.
    const backlog = async () => ((await (await api("/api/v1/evaluators")).json()) as { data: Array<{ name: string; backlog: { pending: number } }> }).data;
    await expect.poll(async () => (await backlog()).find((e) => e.name === "golden")!.backlog.pending, { timeout: 30_000 }).toBe(0);
    expect(await scoresOf("eval-other")).toEqual([]);
    expect((await scoresOf("eval-match")).filter((s) => s.name.startsWith("paused."))).toEqual([]);
  });

  it("a backfill scores stored history exactly once", async () => {
    expect((await post([trace("hist-1", "hello there", "Hi!"), trace("hist-2", "thanks a lot", "You're welcome.")])).status).toBe(200);
    const created = await api("/api/v1/evaluators", { method: "POST", body: { name: "late checks", kind: "heuristic", settings: { metrics: ["empty", "length_words"] } } });
    const { id } = (await created.json()) as { id: string };
    const first = await api(`/api/v1/evaluators/${id}/backfill`, { method: "POST", body: {} });
    expect(first.status).toBe(202);
    const { queued } = (await first.json()) as { queued: number };
    expect(queued).toBe(4);
    await expect.poll(async () => (await scoresOf("hist-2")).filter((s) => s.name.startsWith("late checks.")).length, { timeout: 60_000, interval: 500 }).toBe(2);
    expect((await scoresOf("hist-2")).find((s) => s.name === "late checks.length_words")!.value).toBe(2);
    await expect
      .poll(async () => ((await (await api(`/api/v1/evaluators/${id}`)).json()) as { scored: { traces: number }; backlog: { pending: number } }), { timeout: 60_000, interval: 500 })
      .toMatchObject({ scored: { traces: 4 }, backlog: { pending: 0 } });
    const again = await api(`/api/v1/evaluators/${id}/backfill`, { method: "POST", body: {} });
    expect(await again.json()).toEqual({ queued: 0 });
  });
});
