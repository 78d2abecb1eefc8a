import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { monitors } from "@/db/schema";
import type { DatabaseHandle } from "@/db/client";
import { createDemoEvaluators } from "@/lib/demo/default-evaluators";
import { CHEAP_ROUTE_QUALITY_SCORES, createDemoMonitors } from "@/lib/demo/default-monitors";
import { writeDemoWorld } from "@/lib/demo/write-world";
import { createEmbedder } from "@/lib/embeddings";
import { drainEmbeddingBacklog } from "@/lib/jobs/embed";
import { drainEvalBacklog } from "@/lib/jobs/evaluate";
import { backfillMonitor } from "@/lib/jobs/monitor-schedule";
import { listAlerts } from "@/lib/queries/monitors-alerts";
import { listMonitorResults } from "@/lib/queries/monitors-results";
import { DEMO_EVENTS } from "@/lib/demo/world";
import { dbTargets } from "./targets";

const DAYS = 30;
const END = new Date("2026-12-01T00:00:00Z");
const NOW = new Date(END.getTime() + 60_000);
const CHEAP_ROUTE_MONITOR = "Cheap-route answer quality (concept drift)";

/**
 * A fresh demo opens with the alerts its events deserve: the demo's monitors
 * are backfilled over its world as on a first start, and the latest window of
 * each — the present — opens an alert when it drifts, while the history
 * before it stays silent.
 */
describe.each(dbTargets())("demo world alerts on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  const outcome = new Map<string, { latest: string; driftDays: number[]; alerts: number }>();
  const seconds = new Map<string, number>();
  /** The evaluator scores (`golden.*`, `semantic.*`) concept drift compared per topic in the latest window. */
  let evaluatorScoresCompared: string[] = [];
  /** Per day of the cheap-route quality monitor: the metrics that were significant (pooled or in a topic). */
  const cheapRouteSignificant = new Map<number, string[]>();

  beforeAll(async () => {
    handle = await target.open();
    const started = performance.now();
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
    console.log(`${target.name}: world written, embedded and evaluated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await createDemoMonitors(handle.db, projectId, new Date(END.getTime() - DAYS * 86_400_000));
    for (const m of await handle.db.select().from(monitors).where(eq(monitors.projectId, projectId))) {
      const backfillStarted = performance.now();
      await backfillMonitor(handle, m, { now: NOW });
      seconds.set(m.name, (performance.now() - backfillStarted) / 1000);
      const rows = await listMonitorResults(handle.db, projectId, m.id);
      if (m.kind === "concept_drift") {
        const comparisons = (rows.at(-1)?.statistics as { comparisons?: Array<{ metric: string; significant: boolean }> } | undefined)?.comparisons ?? [];
        evaluatorScoresCompared = [...new Set(comparisons.filter((c) => /^score:(golden|semantic)\./.test(c.metric)).map((c) => c.metric))].sort();
      }
      if (m.name === CHEAP_ROUTE_MONITOR) {
        for (const r of rows) {
          type Tested = Array<{ metric: string; significant: boolean }>;
          const { pooled = [], comparisons = [] } = r.statistics as { pooled?: Tested; comparisons?: Tested };
          const significant = [...pooled, ...comparisons].filter((c) => c.significant).map((c) => c.metric);
          cheapRouteSignificant.set(DAYS - Math.round((END.getTime() - new Date(r.windowEnd).getTime()) / 86_400_000), significant);
        }
      }
      const day = (iso: string) => Math.round((END.getTime() - new Date(iso).getTime()) / 86_400_000);
      outcome.set(m.name, {
        latest: rows.at(-1)?.verdict ?? "none",
        // Day d of the world is the window ending at its midnight.
        driftDays: rows.filter((r) => r.verdict === "drift").map((r) => DAYS - day(r.windowEnd)),
        alerts: (await listAlerts(handle.db, projectId, { monitorId: m.id })).length,
      });
    }
    for (const [name, o] of outcome) console.log(`${target.name}: ${name}: latest ${o.latest}, drift on days ${o.driftDays.join(",")}, alerts ${o.alerts}, backfilled in ${seconds.get(name)!.toFixed(1)} s`);
  }, 600_000);
  afterAll(async () => {
    await handle?.dispose();
  });

  it("every monitor whose latest window drifts has one firing alert, the others none", () => {
    expect(outcome.size).toBe(8);
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

  it("the router change's quality drop is found in the evaluator scores Driftline computes, from the change on", () => {
    // Day 22 moves most cheap traffic to gemini-2.0-flash, whose SQL answers are poor. Nothing in the data says
    // so as a score the monitor reads: it compares the golden-set and semantic evaluators' scores per topic.
    const o = outcome.get(CHEAP_ROUTE_MONITOR)!;
    expect(o).toMatchObject({ latest: "drift", alerts: 1 });
    // Nothing on the cheap route changes before the router change: no window before it drifts.
    expect(o.driftDays.filter((d) => d < DEMO_EVENTS.routerChangeDay)).toEqual([]);
    // A week's window holds enough matched SQL answers by the change's third day; from then on most windows drift
    // (at 120 traces a day a window's evidence still varies with how many poor answers matched a golden item).
    const after = o.driftDays.filter((d) => d >= DEMO_EVENTS.routerChangeDay);
    expect(after[0]).toBeLessThanOrEqual(DEMO_EVENTS.routerChangeDay + 3);
    expect(after.length).toBeGreaterThanOrEqual(5);
    // Every drifting window is carried by an evaluator score, not by the refusal or error rate alone.
    for (const d of o.driftDays) {
      expect(cheapRouteSignificant.get(d)!.some((metric) => CHEAP_ROUTE_QUALITY_SCORES.some((s) => metric === `score:${s}`)), `day ${d}`).toBe(true);
    }
  });
});
