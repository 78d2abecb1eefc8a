import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { monitors, projects } from "@/db/schema";
import { generateDemoTraces } from "@/lib/demo/world";
import { createEmbedder, type Embedder } from "@/lib/embeddings";
import { parseNativeBatch } from "@/lib/ingest/validate-native";
import { drainEmbeddingBacklog } from "@/lib/jobs/embed";
import { embeddingsPendingBefore } from "@/lib/monitors/pending-work";
import { runDueMonitors } from "@/lib/jobs/monitor-schedule";
import { createMonitor } from "@/lib/services/monitors/create-monitor";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { dbTargets } from "./targets";

const END = new Date("2026-11-28T00:00:00Z");

describe.each(dbTargets())("monitors wait for embeddings on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let embedder: Embedder;
  beforeAll(async () => {
    handle = await target.open();
    embedder = await createEmbedder({ worker: false, env: { EMBEDDING_MODEL: "driftline-glove-100d" } });
  });
  afterAll(async () => {
    await embedder?.close();
    await handle?.dispose();
  });

  it("does not compute a window before its texts are embedded, and does once they are", async () => {
    const [project] = await handle.db.insert(projects).values({ slug: "gate", name: "gate" }).returning();
    const projectId = project!.id;
    const world = [...generateDemoTraces({ days: 4, perDay: 40, end: END, seed: 3 })];
    const parsed = parseNativeBatch({ traces: world }, { now: () => END.getTime() });
    await recordTraces(handle.db, { projectId, traces: parsed.items.flatMap((i) => (i.trace ? [i.trace] : [])) });
    const monitor = await createMonitor({
      ctx: { db: handle.db, actor: { kind: "operator" } },
      input: { projectId, name: "topics", kind: "topic_drift", window: "24h", schedule: "0 0 * * *" },
    });

    expect(await embeddingsPendingBefore(handle, projectId, END)).toBe(true);
    // Texts of traces after the horizon don't hold a window up.
    expect(await embeddingsPendingBefore(handle, projectId, new Date("2026-11-01T00:00:00Z"))).toBe(false);

    await runDueMonitors(handle, { now: END });
    const [waiting] = await handle.db.select().from(monitors).where(eq(monitors.id, monitor.id));
    expect(waiting?.backfilledAt).toBeNull();
    expect(waiting?.attempts).toBe(0);
    const none = await handle.query<{ n: number }>("select count(*)::int as n from monitor_results where monitor_id = $1", [monitor.id]);
    expect(none[0]?.n).toBe(0);

    await drainEmbeddingBacklog(handle, embedder);
    expect(await embeddingsPendingBefore(handle, projectId, END)).toBe(false);
    await handle.query("update monitors set locked_until = null where id = $1", [monitor.id]);
    await runDueMonitors(handle, { now: END });
    const [done] = await handle.db.select().from(monitors).where(eq(monitors.id, monitor.id));
    expect(done?.backfilledAt).not.toBeNull();
    const results = await handle.query<{ n: number }>("select count(*)::int as n from monitor_results where monitor_id = $1", [monitor.id]);
    expect(results[0]?.n).toBeGreaterThan(0);
  });
});
