import { count, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { monitors } from "@/db/schema";
import { createMonitor } from "@/lib/services/monitors/create-monitor";
import { DEMO_EVENTS } from "./world";

/** The evaluator scores the cheap-route quality monitor compares. */
export const CHEAP_ROUTE_QUALITY_SCORES = ["golden.rougeL", "semantic.semscore", "semantic.relevance"] as const;

/**
 * The demo project's monitors, one of each kind a team would start with, and
 * a second concept-drift monitor on the cheap route's evaluator scores.
 * Windows evaluated daily against a fixed reference — the first week, which is
 * quiet — so every chart reads as "how far from normal" and the quiet days
 * stay at zero. Nothing is created when the project has monitors already.
 */

export async function createDemoMonitors(db: Database, projectId: string, worldStart: Date): Promise<number> {
  const [existing] = await db.select({ n: count() }).from(monitors).where(eq(monitors.projectId, projectId));
  if (Number(existing?.n ?? 0) > 0) return 0;
  const referenceDays = DEMO_EVENTS.quietDays[1] - 2; // the first week, inside the quiet stretch
  const reference = {
    type: "fixed" as const,
    from: worldStart.toISOString(),
    to: new Date(worldStart.getTime() + referenceDays * 86_400_000).toISOString(),
  };
  const daily = { window: "24h", schedule: "0 0 * * *", reference };
  const specs = [
    { name: "Prompt embedding drift", kind: "embedding_drift", thresholds: { text: "prompt" }, ...daily },
    { name: "Response embedding drift", kind: "embedding_drift", thresholds: { text: "response" }, ...daily },
    // A topic-mix PSI floor of 0.15 (default 0.1): the demo's sessions repeat their intent, so daily mixes vary
    // more than a multinomial sample and the χ² test alone fired on a quiet day; a new topic shows up as
    // emerging prompts, which this does not touch.
    { name: "Topic drift and emerging topics", kind: "topic_drift", thresholds: { psi: 0.15 }, ...daily },
    // 30 near-duplicate pairs per window for answer drift (default 100): each is one kNN query, and this
    // monitor's 30-window backfill is the longest step of the first start. It compares every score per topic,
    // the demo evaluators' golden-set scores (default-evaluators.ts) included.
    { name: "Quality by topic (concept drift)", kind: "concept_drift", thresholds: { answerPairs: 30 }, ...daily },
    // What a team that routes to cheap models watches: the evaluators' scores (default-evaluators.ts, computed
    // by Driftline against the golden set, not the client's judge score) on the cheap route, per topic. One
    // score per evaluator family — bleu and chrf move in lockstep with rougeL and would only divide alpha
    // (Holm). A week's window, evaluated daily: at the test's 120 traces a day a day holds about five matched
    // poor SQL answers, too few to be significant; a week holds enough by its third day after the change.
    {
      name: "Cheap-route answer quality (concept drift)",
      kind: "concept_drift",
      segment: { route: "cheap" },
      thresholds: { scores: [...CHEAP_ROUTE_QUALITY_SCORES], answerPairs: 0 },
      window: "7d",
      schedule: "0 0 * * *",
      reference,
    },
    { name: "Provider version regressions", kind: "version_regression", window: "24h", schedule: "0 0 * * *" },
    { name: "Latency (Page–Hinkley)", kind: "metric", thresholds: { metric: "latency_ms" }, ...daily },
    { name: "Judge helpfulness (Page–Hinkley)", kind: "metric", thresholds: { metric: "score", score: "judge.helpfulness" }, ...daily },
  ] as const;
  const ctx = { db, actor: { kind: "operator" as const } };
  for (const spec of specs) {
    // A fixed seed: the same demo world gives the same subsamples, splits and permutations on every install.
    const thresholds = { ...("thresholds" in spec ? spec.thresholds : {}), seed: 20261128 };
    await createMonitor({ ctx, input: { projectId, ...spec, thresholds } });
  }
  return specs.length;
}
