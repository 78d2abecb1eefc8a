import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { analyzeGrowingTables } from "@/lib/jobs/analyze";
import type { NormalizedTrace } from "@/lib/ingest/types";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { dbTargets } from "./targets";

const trace = (i: number): NormalizedTrace => ({
  externalId: `a-${i}`,
  timestamp: new Date("2026-11-01T00:00:00Z"),
  provider: null,
  model: "m",
  modelVersion: null,
  route: null,
  prompt: `question ${i}`,
  response: `answer ${i}`,
  latencyMs: 10,
  ttftMs: null,
  inputTokens: null,
  outputTokens: null,
  costUsd: null,
  status: "ok",
  error: null,
  finishReason: null,
  userId: null,
  sessionId: null,
  tags: [],
  metadata: {},
  scores: { s: 1 },
});

describe.each(dbTargets())("statistics upkeep on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it("analyzes tables that outgrew their statistics, and only those", async () => {
    const [project] = await handle.db.insert(projects).values({ slug: "an", name: "an" }).returning();
    await recordTraces(handle.db, { projectId: project!.id, traces: Array.from({ length: 300 }, (_, i) => trace(i)) });
    const first = await analyzeGrowingTables(handle);
    expect(first.sort()).toEqual(["embedding_backlog", "scores", "traces"]);
    const [row] = await handle.query<{ reltuples: number }>("select reltuples::float8 as reltuples from pg_class where relname = 'traces'");
    expect(Number(row?.reltuples)).toBe(300);
    // Nothing changed since: nothing to do.
    expect(await analyzeGrowingTables(handle)).toEqual([]);
  });
});
