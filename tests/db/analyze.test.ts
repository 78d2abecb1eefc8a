import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { analyzeGrowingTables } from "@/lib/jobs/analyze";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { minimalTrace } from "../../testing/fixtures/trace";
import { dbTargets } from "./targets";

const trace = (i: number) => minimalTrace(`a-${i}`, { prompt: `question ${i}`, response: `answer ${i}`, scores: { s: 1 } });

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
    expect(first.sort()).toEqual(["embedding_backlog", "scores", "trace_keys", "traces"]);
    const [row] = await handle.query<{ reltuples: number }>("select reltuples::float8 as reltuples from pg_class where relname = 'traces'");
    expect(Number(row?.reltuples)).toBe(300);
    // Nothing changed since: nothing to do.
    expect(await analyzeGrowingTables(handle)).toEqual([]);
  });
});
