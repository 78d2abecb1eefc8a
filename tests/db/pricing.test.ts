import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { PRICE_TABLE_VERSION } from "@/lib/ingest/pricing";
import { runRepriceBatch } from "@/lib/jobs/reprice";
import { listUnknownModels } from "@/lib/queries/prices";
import type { ServiceContext } from "@/lib/services/context";
import { deletePriceOverride, putPriceOverride } from "@/lib/services/prices/price-overrides";
import { requestRepricing } from "@/lib/services/prices/request-repricing";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { ingestNativeBatch } from "@/lib/services/traces/ingest";
import { DEFAULT_REDACTION } from "@/lib/ingest/redact";
import { minimalTrace } from "../../testing/fixtures/trace";
import { dbTargets } from "./targets";

type CostRow = { external_id: string; cost_usd: string | null; cost_source: string | null; price_table_version: string | null; cached_input_tokens: number | null; reasoning_tokens: number | null };

describe.each(dbTargets())("pricing at ingest on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let ctx: ServiceContext;
  const costs = async (projectId: string) =>
    Object.fromEntries(
      (
        await handle.query<CostRow>(
          "select external_id, cost_usd::text, cost_source::text, price_table_version, cached_input_tokens, reasoning_tokens from traces where project_id = $1",
          [projectId],
        )
      ).map((r) => [r.external_id, { cost: r.cost_usd === null ? null : Number(r.cost_usd), source: r.cost_source, version: r.price_table_version, cached: r.cached_input_tokens, reasoning: r.reasoning_tokens }]),
    );
  const project = async (slug: string) => (await handle.db.insert(projects).values({ slug, name: slug }).returning())[0]!.id;

  beforeAll(async () => {
    handle = await target.open();
    ctx = { db: handle.db, actor: { kind: "operator" } };
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it("stores the client's cost as client, prices the rest from the table, leaves unknown models and missing tokens null", async () => {
    const projectId = await project("price-native");
    const result = await ingestNativeBatch({ db: handle.db, projectId, redaction: DEFAULT_REDACTION }, {
      traces: [
        { id: "client", model: "gpt-4o", provider: "openai", inputTokens: 1000, outputTokens: 100, costUsd: 0.5 },
        { id: "table", model: "gpt-4o", modelVersion: "gpt-4o-2024-08-06", provider: "openai", inputTokens: 1000, outputTokens: 100, cachedInputTokens: 400, reasoningTokens: 0 },
        { id: "unknown", model: "acme-private-7b", provider: "acme", inputTokens: 1000, outputTokens: 100 },
        { id: "no-output", model: "gpt-4o", provider: "openai", inputTokens: 1000 },
      ],
    });
    expect(result.body.accepted).toBe(4);
    // gpt-4o: 600 fresh × 2.50 + 400 cached × 1.25 + 100 out × 10, per million.
    expect(await costs(projectId)).toEqual({
      client: { cost: 0.5, source: "client", version: null, cached: null, reasoning: null },
      table: { cost: 0.003, source: "price_table", version: PRICE_TABLE_VERSION, cached: 400, reasoning: 0 },
      unknown: { cost: null, source: null, version: null, cached: null, reasoning: null },
      "no-output": { cost: null, source: null, version: null, cached: null, reasoning: null },
    });
    // Only the unknown model is listed: "no-output" lacks a token count, which no price could fix.
    const listed = await listUnknownModels(handle.db, projectId);
    expect(listed.map((m) => [m.provider, m.model, m.traces])).toEqual([["acme", "acme-private-7b", 1]]);
  });

  it("refuses a cached count above the input count with the field's path", async () => {
    const projectId = await project("price-refuse");
    const result = await ingestNativeBatch({ db: handle.db, projectId, redaction: DEFAULT_REDACTION }, {
      traces: [{ id: "bad", model: "gpt-4o", inputTokens: 10, outputTokens: 5, cachedInputTokens: 11, reasoningTokens: 6 }],
    });
    expect(result.status).toBe(207);
    expect(result.body.items[0]).toMatchObject({
      status: "rejected",
      errors: [
        { path: "traces[0].cachedInputTokens", message: "must not be greater than inputTokens (cached tokens are counted in inputTokens)" },
        { path: "traces[0].reasoningTokens", message: "must not be greater than outputTokens (reasoning tokens are counted in outputTokens)" },
      ],
    });
  });

  it("prices new traces by an override, and re-prices history on request without touching a client's cost", async () => {
    const projectId = await project("price-override");
    const at = new Date("2026-11-20T10:00:00Z");
    const t = (id: string, over: Parameters<typeof minimalTrace>[1]) => minimalTrace(id, { timestamp: at, provider: "acme", model: "acme-7b", inputTokens: 1_000_000, outputTokens: 500_000, ...over });
    await recordTraces(handle.db, { projectId, traces: [t("old-1", {}), t("old-2", { timestamp: new Date(at.getTime() + 1) }), t("old-client", { costUsd: 9 })] });
    expect((await costs(projectId))["old-1"]).toMatchObject({ cost: null, source: null });

    const { override, created } = await putPriceOverride({ ctx, input: { projectId, model: "ACME-7b", inputPerMillion: 0.2, outputPerMillion: 0.6 } });
    expect(created).toBe(true);
    expect(override).toMatchObject({ provider: null, model: "acme-7b", inputPerMillion: 0.2, outputPerMillion: 0.6, cachedInputPerMillion: null });
    await recordTraces(handle.db, { projectId, traces: [t("new-1", { cachedInputTokens: 500_000 })] });
    expect((await costs(projectId))["new-1"]).toMatchObject({ cost: 0.5, source: "override", version: null });
    expect((await costs(projectId))["old-1"]).toMatchObject({ cost: null, source: null });

    // Replacing it keeps one row; asking twice for a re-pricing queues one.
    const again = await putPriceOverride({ ctx, input: { projectId, model: "acme-7b", inputPerMillion: 0.4, outputPerMillion: 0.8, cachedInputPerMillion: 0.1 } });
    expect(again).toMatchObject({ created: false, override: { id: override.id, cachedInputPerMillion: 0.1 } });
    const first = await requestRepricing({ ctx, input: { projectId, model: "acme-7b" } });
    const second = await requestRepricing({ ctx, input: { projectId, model: "acme-7b" } });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, repricing: { id: first.repricing.id } });
    expect((await listUnknownModels(handle.db, projectId, new Date("2026-11-21T00:00:00Z")))[0]).toMatchObject({ model: "acme-7b", traces: 2, repricing: true });

    // Two traces a batch: the request takes two steps and finishes; running more changes nothing.
    let stats = await runRepriceBatch(handle.db, { batchSize: 2 });
    expect(stats).toMatchObject({ requests: 1, scanned: 2, finished: 0 });
    stats = await runRepriceBatch(handle.db, { batchSize: 2 });
    expect(stats).toMatchObject({ requests: 1, scanned: 1, finished: 1 });
    expect(await runRepriceBatch(handle.db, { batchSize: 2 })).toMatchObject({ requests: 0 });
    const after = await costs(projectId);
    expect(after["old-1"]).toMatchObject({ cost: 0.8, source: "override" });
    expect(after["old-2"]).toMatchObject({ cost: 0.8, source: "override" });
    // 500k fresh × 0.4 + 500k cached × 0.1 + 500k out × 0.8
    expect(after["new-1"]).toMatchObject({ cost: 0.65, source: "override" });
    expect(after["old-client"]).toMatchObject({ cost: 9, source: "client" });
    expect(await listUnknownModels(handle.db, projectId, new Date("2026-11-21T00:00:00Z"))).toEqual([]);

    // Removing the override and re-pricing again leaves those traces unpriced, honestly.
    await deletePriceOverride({ ctx, input: { projectId, id: override.id } });
    await requestRepricing({ ctx, input: { projectId, model: "acme-7b" } });
    while ((await runRepriceBatch(handle.db)).requests > 0);
    expect((await costs(projectId))["old-1"]).toMatchObject({ cost: null, source: null });
    expect((await costs(projectId))["old-client"]).toMatchObject({ cost: 9, source: "client" });
  });

  it("answers 422 with field paths for a bad override, and refuses a viewer", async () => {
    const projectId = await project("price-invalid");
    await expect(putPriceOverride({ ctx, input: { projectId, model: " ", inputPerMillion: -1, outputPerMillion: "2", extra: 1 } })).rejects.toMatchObject({
      code: "invalid_input",
      details: expect.arrayContaining([
        { path: "model", message: "must not be empty" },
        { path: "inputPerMillion", message: "must not be negative" },
        { path: "outputPerMillion", message: "must be a number (USD per million tokens)" },
        { path: "extra", message: "unknown field" },
      ]),
    });
    const viewer: ServiceContext = { db: handle.db, actor: { kind: "user", userId: "00000000-0000-0000-0000-000000000000", role: "viewer" } };
    await expect(putPriceOverride({ ctx: viewer, input: { projectId, model: "x", inputPerMillion: 1, outputPerMillion: 1 } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(requestRepricing({ ctx: viewer, input: { projectId, model: "x" } })).rejects.toMatchObject({ code: "forbidden" });
  });
});
