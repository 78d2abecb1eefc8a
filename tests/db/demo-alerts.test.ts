import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { monitors } from "@/db/schema";
import type { DatabaseHandle } from "@/db/client";
import { createDemoEvaluators } from "@/lib/demo/default-evaluators";
import { createDemoMonitors } from "@/lib/demo/default-monitors";
import { writeDemoWorld } from "@/lib/demo/write-world";
import { createEmbedder } from "@/lib/embeddings";
import { drainEmbeddingBacklog } from "@/lib/jobs/embed";
import { drainEvalBacklog } from "@/lib/jobs/evaluate";
import { backfillMonitor } from "@/lib/jobs/monitor-schedule";
import { listAlerts } from "@/lib/queries/monitors-alerts";
import { listMonitorResults } from "@/lib/queries/monitors-results";
import { dbTargets } from "./targets";

const DAYS = 30;
const END = new Date("2026-12-01T00:00:00Z");
const NOW = new Date(END.getTime() + 60_000);

/**
 * A fresh demo opens with the alerts its events deserve: the demo's monitors
 * are backfilled over its world as on a first start, and the latest window of
 * each — the present — opens an alert when it drifts, while the history
 * before it stays silent.
 */
describe.each(dbTargets())("demo world alerts on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  const outcome = new Map<string, { latest: string; driftDays: number[]; alerts: number }>();
  /** The evaluator scores (`golden.*`, `semantic.*`) concept drift compared per topic in the latest window. */
  let evaluatorScoresCompared: string[] = [];

  beforeAll(async () => {
    handle = await target.open();
    const { projectId } = await writeDemoWorld(handle, { days: DAYS, perDay: 120, end: END });
    const embedder = await createEmbedder({ worker: false, env: { EMBEDDING_MODEL: "driftline-glove-100d" } });
    try {
      await drainEmbeddingBacklog(handle, embedder, { batchSize: 256 });
      // The demo's evaluators score the world before the monitors read their scores (as the monitors wait on a server).
      await createDemoEvaluators(handle.db, projectId);
      await drainEvalBacklog(handle, embedder, { batchSize: 512 });
    } finally {
      await embedder.close();
    }
    await createDemoMonitors(handle.db, projectId, new Date(END.getTime() - DAYS * 86_400_000));
    for (const m of await handle.db.select().from(monitors).where(eq(monitors.projectId, projectId))) {
      await backfillMonitor(handle, m, { now: NOW });
      const rows = await listMonitorResults(handle.db, projectId, m.id);
      if (m.kind === "concept_drift") {
        const comparisons = (rows.at(-1)?.statistics as { comparisons?: Array<{ metric: string; significant: boolean }> } | undefined)?.comparisons ?? [];
        evaluatorScoresCompared = [...new Set(comparisons.filter((c) => /^score:(golden|semantic)\./.test(c.metric)).map((c) => c.metric))].sort();
      }
      const day = (iso: string) => Math.round((END.getTime() - new Date(iso).getTime()) / 86_400_000);
      outcome.set(m.name, {
        latest: rows.at(-1)?.verdict ?? "none",
        // Day d of the world is the window ending at its midnight.
        driftDays: rows.filter((r) => r.verdict === "drift").map((r) => DAYS - day(r.windowEnd)),
        alerts: (await listAlerts(handle.db, projectId, { monitorId: m.id })).length,
      });
    }
    for (const [name, o] of outcome) console.log(`${target.name}: ${name}: latest ${o.latest}, drift on days ${o.driftDays.join(",")}, alerts ${o.alerts}`);
  }, 600_000);
  afterAll(async () => {
    await handle?.dispose();
  });

  it("every monitor whose latest window drifts has one firing alert, the others none", () => {
    expect(outcome.size).toBe(7);
    for (const [, o] of outcome) expect(o.alerts).toBe(o.latest === "drift" ? 1 : 0);
  });

  it("the events still under way today fire: the new topic, the new version's answers, the router change", () => {
    // The launch topic grows to 30% of prompts, gpt-4o's new version answers 1.7× longer and the router sends
    // more traffic to the cheap models: all are the present state on the last day.
    for (const name of ["Prompt embedding drift", "Response embedding drift", "Topic drift and emerging topics", "Quality by topic (concept drift)"]) {
      expect(outcome.get(name), name).toMatchObject({ latest: "drift", alerts: 1 });
    }
    // Concept drift reads the demo evaluators' scores, computed by Driftline from the golden set (not in the data).
    expect(evaluatorScoresCompared.length, "evaluator scores compared per topic").toBeGreaterThan(0);
    // The version change happened on day 10: news then, history now.
    expect(outcome.get("Provider version regressions")).toMatchObject({ alerts: 0 });
  });
});
