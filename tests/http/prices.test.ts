import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appTargets, startApp, TEST_KEY, type RunningApp } from "../../testing/app-server";

const json = { Authorization: `Bearer ${TEST_KEY}`, "Content-Type": "application/json" };

describe.each(appTargets())("price API on %s", (database) => {
  let app: RunningApp;
  const api = (path: string, init: RequestInit = {}) => fetch(`${app.url}${path}`, { ...init, headers: { ...json, ...(init.headers ?? {}) } });
  const send = (method: string, path: string, body: unknown) => api(path, { method, body: JSON.stringify(body) });
  const costOf = async (id: string) => ((await (await api(`/api/v1/traces/${id}`)).json()) as { costUsd: number | null }).costUsd;

  beforeAll(async () => {
    app = await startApp({ database });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("prices calls from the table at ingest, and lists a model it does not know", async () => {
    const ingest = await send("POST", "/api/v1/traces", {
      traces: [
        { id: "p-table", provider: "openai", model: "gpt-4o-mini", modelVersion: "gpt-4o-mini-2024-07-18", inputTokens: 10_000, outputTokens: 2_000 },
        { id: "p-private-1", provider: "acme", model: "acme-support-ft", inputTokens: 1_000_000, outputTokens: 100_000 },
        { id: "p-client", provider: "acme", model: "acme-support-ft", inputTokens: 10, outputTokens: 10, costUsd: 0.25 },
      ],
    });
    expect(ingest.status).toBe(200);
    // 10k × 0.15 + 2k × 0.60 per million.
    expect(await costOf("p-table")).toBeCloseTo(0.0027, 10);
    expect(await costOf("p-private-1")).toBeNull();
    const unknown = (await (await api("/api/v1/prices/unknown")).json()) as { data: Array<{ provider: string; model: string; traces: number }> };
    expect(unknown.data.map((m) => [m.provider, m.model, m.traces])).toEqual([["acme", "acme-support-ft", 1]]);
  });

  it("sets, lists, replaces and removes an override; new traces use it, history on request", async () => {
    const created = await send("PUT", "/api/v1/prices", { model: "acme-support-ft", inputPerMillion: 0.5, outputPerMillion: 1.5 });
    expect(created.status).toBe(201);
    const override = (await created.json()) as { id: string; provider: string | null; model: string };
    expect(override).toMatchObject({ provider: null, model: "acme-support-ft", inputPerMillion: 0.5, outputPerMillion: 1.5, cachedInputPerMillion: null });
    const replaced = await send("PUT", "/api/v1/prices", { model: "acme-support-ft", inputPerMillion: 1, outputPerMillion: 2 });
    expect(replaced.status).toBe(200);
    expect(((await (await api("/api/v1/prices")).json()) as { data: unknown[] }).data).toEqual([expect.objectContaining({ id: override.id, inputPerMillion: 1, outputPerMillion: 2 })]);

    await send("POST", "/api/v1/traces", { traces: [{ id: "p-private-2", provider: "acme", model: "acme-support-ft", inputTokens: 1_000_000, outputTokens: 100_000 }] });
    expect(await costOf("p-private-2")).toBeCloseTo(1.2, 10);
    expect(await costOf("p-private-1")).toBeNull();

    const queued = await send("POST", "/api/v1/prices/reprice", { model: "acme-support-ft" });
    expect(queued.status).toBe(202);
    // The background task re-prices history; the client's own cost stays.
    await expect.poll(() => costOf("p-private-1"), { timeout: 30_000, interval: 250 }).toBeCloseTo(1.2, 10);
    expect(await costOf("p-client")).toBe(0.25);
    await expect.poll(async () => ((await (await api("/api/v1/prices/unknown")).json()) as { data: unknown[] }).data, { timeout: 10_000 }).toEqual([]);

    expect((await api(`/api/v1/prices/${override.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(`/api/v1/prices/${override.id}`, { method: "DELETE" })).status).toBe(404);
    expect((await api("/api/v1/prices/not-a-uuid", { method: "DELETE" })).status).toBe(404);
  });

  it("answers 422 naming each bad field, 400 for a body that is not an object", async () => {
    const bad = await send("PUT", "/api/v1/prices", { model: "", inputPerMillion: -1, outputPerMillion: "cheap", cachedInputPerMillion: 2e6, input_per_million: 1 });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: { code: string; details: Array<{ path: string; message: string }> } };
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.details).toEqual(
      expect.arrayContaining([
        { path: "model", message: "must not be empty" },
        { path: "inputPerMillion", message: "must not be negative" },
        { path: "outputPerMillion", message: "must be a number (USD per million tokens)" },
        { path: "cachedInputPerMillion", message: "must be at most 1000000 (USD per million tokens)" },
        { path: "input_per_million", message: "unknown field" },
      ]),
    );
    const missing = await send("POST", "/api/v1/prices/reprice", {});
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: { details: Array<{ path: string }> } }).error.details.map((d) => d.path)).toEqual(["model"]);
    expect((await api("/api/v1/prices", { method: "PUT", body: "[1]" })).status).toBe(400);
  });
});
