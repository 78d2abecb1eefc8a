import { readFileSync } from "node:fs";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalTrace } from "../../testing/fixtures/trace";
import type { DatabaseHandle } from "@/db/client";
import { embeddingIndexName, ensureEmbeddingModel } from "@/db/embedding-index";
import { appliedMigrationCount, pgvectorVersion, runMigrations } from "@/db/migrate";
import { apiKeys, memberships, projects, scores, traces, users } from "@/db/schema";
import { hashApiKey } from "@/lib/auth/api-keys";
import { verifyPassword } from "@/lib/auth/passwords";
import type { NormalizedTrace } from "@/lib/ingest/types";
import { nearestTraces } from "@/db/nearest-traces";
import { applyBootstrap } from "@/lib/services/bootstrap";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { dbTargets } from "./targets";

const journal = JSON.parse(readFileSync(path.resolve("db/migrations/meta/_journal.json"), "utf8")) as {
  entries: unknown[];
};

function trace(externalId: string, overrides: Partial<NormalizedTrace> = {}): NormalizedTrace {
  return minimalTrace(externalId, {
    timestamp: new Date("2026-11-01T12:00:00Z"),
    provider: "openai",
    model: "gpt-4o",
    modelVersion: "gpt-4o-2024-08-06",
    route: "default",
    prompt: [
      { role: "system", content: "You are a helpful support agent." },
      { role: "user", content: "How do I reset my password?" },
    ],
    response: [{ role: "assistant", content: "Open Settings → Security → Reset password." }],
    latencyMs: 812.5,
    ttftMs: 120,
    inputTokens: 42,
    outputTokens: 17,
    costUsd: 0.000321,
    finishReason: "stop",
    userId: "u-1",
    sessionId: "s-1",
    tags: ["support"],
    metadata: { env: "prod" },
    scores: { user_feedback: 1 },
    ...overrides,
  });
}

/** Deterministic pseudo-random unit vectors (mulberry32). */
function randomVectors(n: number, dims: number, seed: number): number[][] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => {
    const v = Array.from({ length: dims }, () => next() * 2 - 1);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

describe.each(dbTargets())("foundation on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };

  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it("applies every committed migration and enables pgvector", async () => {
    expect(await appliedMigrationCount(handle)).toBe(journal.entries.length);
    const version = await pgvectorVersion(handle);
    expect(version).toMatch(/^0\.[89]\.\d+$|^[1-9]\d*\.\d+\.\d+$/);
    // A second run is a no-op.
    await runMigrations(handle);
    expect(await appliedMigrationCount(handle)).toBe(journal.entries.length);
  });

  it("puts project_id first in the primary key and unique indexes of every project-owned table", async () => {
    const owned = await handle.query<{ table_name: string }>(
      `select table_name from information_schema.columns
        where column_name = 'project_id' and table_schema = 'public' order by table_name`,
    );
    expect(owned.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(["api_keys", "embedding_backlog", "embeddings", "hourly_rollups", "memberships", "scores", "traces"]),
    );
    // Every primary key and unique index of those tables, with its first column.
    const keys = await handle.query<{ table_name: string; index_name: string; first_column: string }>(`
      select t.relname as table_name, i.relname as index_name, a.attname as first_column
        from pg_index x
        join pg_class t on t.oid = x.indrelid
        join pg_class i on i.oid = x.indexrelid
        join pg_namespace n on n.oid = t.relnamespace and n.nspname = 'public'
        left join pg_attribute a on a.attrelid = t.oid and a.attnum = x.indkey[0]
       where (x.indisprimary or x.indisunique)
         and t.relname in (select table_name from information_schema.columns
                            where column_name = 'project_id' and table_schema = 'public')`);
    for (const table of owned.map((r) => r.table_name)) {
      expect(keys.some((k) => k.table_name === table), `${table} has a primary key`).toBe(true);
    }
    for (const key of keys) expect(key.first_column, `${key.table_name}.${key.index_name}`).toBe("project_id");
  });

  it("bootstraps the admin, project and API key idempotently", async () => {
    const input = {
      adminEmail: "Ops@Example.com",
      adminPassword: "correct horse battery",
      projectSlug: "checkout",
      apiKey: "dl_operator_chosen_key_0001",
    };
    const first = await applyBootstrap(handle.db, input);
    const second = await applyBootstrap(handle.db, input);
    expect(first.created.length).toBe(3);
    expect(second.created).toEqual([]);
    expect(second.projectId).toBe(first.projectId);

    const [userCount] = await handle.db.select({ n: count() }).from(users);
    const [projectCount] = await handle.db.select({ n: count() }).from(projects);
    const keys = await handle.db.select().from(apiKeys);
    const members = await handle.db.select().from(memberships);
    expect(userCount?.n).toBe(1);
    expect(projectCount?.n).toBe(1);
    expect(keys).toHaveLength(1);
    expect(keys[0]?.keyHash).toBe(hashApiKey(input.apiKey));
    expect(JSON.stringify(keys)).not.toContain(input.apiKey);
    expect(members).toEqual([expect.objectContaining({ role: "admin", userId: first.adminUserId })]);

    const [admin] = await handle.db.select().from(users).where(eq(users.email, "ops@example.com"));
    expect(admin?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(admin!.passwordHash!, input.adminPassword)).toBe(true);
    expect(await verifyPassword(admin!.passwordHash!, "wrong password")).toBe(false);

    // A changed password in the environment is applied on the next boot.
    await applyBootstrap(handle.db, { ...input, adminPassword: "a new passphrase" });
    const [updated] = await handle.db.select().from(users).where(eq(users.email, "ops@example.com"));
    expect(await verifyPassword(updated!.passwordHash!, "a new passphrase")).toBe(true);
  });

  it("stores traces once per client id, with typed columns and scores", async () => {
    const [project] = await handle.db.insert(projects).values({ slug: "traces", name: "traces" }).returning();
    const projectId = project!.id;
    const first = await recordTraces(handle.db, {
      projectId,
      traces: [trace("a"), trace("b", { status: "error", error: "rate limited", scores: {} }), trace("a")],
    });
    expect(first.map((o) => o.status)).toEqual(["accepted", "accepted", "duplicate"]);
    const again = await recordTraces(handle.db, { projectId, traces: [trace("a"), trace("c")] });
    expect(again.map((o) => o.status)).toEqual(["duplicate", "accepted"]);

    const rows = await handle.db.select().from(traces).where(eq(traces.projectId, projectId));
    expect(rows).toHaveLength(3);
    const a = rows.find((r) => r.externalId === "a")!;
    expect(a.latencyMs).toBe(812.5);
    expect(a.inputTokens).toBe(42);
    expect(a.costUsd).toBeCloseTo(0.000321, 12);
    expect(a.promptText).toBe("How do I reset my password?");
    expect(a.responseText).toBe("Open Settings → Security → Reset password.");
    expect(a.tags).toEqual(["support"]);
    expect(a.metadata).toEqual({ env: "prod" });
    const scoreRows = await handle.db.select().from(scores).where(eq(scores.projectId, projectId));
    expect(scoreRows.map((s) => [s.name, s.value])).toEqual([
      ["user_feedback", 1],
      ["user_feedback", 1],
    ]);
  });

  it("finds exact nearest neighbours through the model's HNSW index", async () => {
    const [project] = await handle.db.insert(projects).values({ slug: "knn", name: "knn" }).returning();
    const projectId = project!.id;
    const dims = 32;
    const model = await ensureEmbeddingModel(handle, "test/random-32", dims);
    const n = 600;
    const vectors = randomVectors(n, dims, 42);
    const outcomes = await recordTraces(handle.db, {
      projectId,
      traces: vectors.map((_, i) => trace(`knn-${i}`, { scores: {} })),
    });
    const ids = outcomes.map((o) => o.traceId!);
    const values = vectors
      .map((v, i) => `('${projectId}','${ids[i]}','prompt',${model.id},'[${v.join(",")}]','2026-11-01T12:00:00Z')`)
      .join(",");
    await handle.query(
      `insert into embeddings (project_id, trace_id, kind, model_id, embedding, started_at) values ${values}`,
    );
    await handle.query("analyze embeddings");

    const query = vectors[123]!;
    const cosine = (a: number[], b: number[]) => 1 - a.reduce((s, x, i) => s + x * b[i]!, 0);
    const exact = vectors
      .map((v, i) => ({ id: ids[i]!, d: cosine(query, v) }))
      .sort((x, y) => x.d - y.d)
      .slice(0, 5);

    const found = await nearestTraces(handle, { projectId, model, kind: "prompt", vector: query, k: 5, efSearch: 200 });
    expect(found.map((f) => f.traceId)).toEqual(exact.map((e) => e.id));
    found.forEach((f, i) => expect(f.distance).toBeCloseTo(exact[i]!.d, 5));

    // The plan walks the partial HNSW index of this model.
    const plan = await handle.db.transaction(async (tx) => {
      // At 600 rows a sort is cheaper than the graph; these settings show the index is usable for the query shape.
      await tx.execute("set local enable_seqscan = off");
      await tx.execute("set local enable_bitmapscan = off");
      await tx.execute("set local enable_sort = off");
      const result = await tx.execute(
        `explain select trace_id from embeddings where model_id = ${model.id} and project_id = '${projectId}'
         and kind = 'prompt' order by embedding::vector(${dims}) <=> '[${query.join(",")}]'::vector(${dims}) limit 5`,
      );
      return (result as unknown as { rows: Array<Record<string, string>> }).rows.map((r) => Object.values(r)[0]).join("\n");
    });
    expect(plan).toContain(embeddingIndexName(model.id, "prompt"));
  });
});
