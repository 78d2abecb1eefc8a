import { count, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { evaluators } from "@/db/schema";
import { createDataset } from "@/lib/services/datasets/datasets";
import { backfillEvaluator, createEvaluator } from "@/lib/services/evaluators/evaluators";
import { demoGoldenItems } from "./golden-set";

/**
 * The demo project's golden set and the evaluators a team would start with:
 * n-gram and SemScore against the golden answers (traces matched to a golden
 * question), answer relevance and heuristics on every trace. Their history is
 * queued at once, so the server's evaluation job scores the whole world, and
 * the monitors' windows wait for those scores. Nothing is created when the
 * project has evaluators already.
 */
export async function createDemoEvaluators(db: Database, projectId: string): Promise<number> {
  const [existing] = await db.select({ n: count() }).from(evaluators).where(eq(evaluators.projectId, projectId));
  if (Number(existing?.n ?? 0) > 0) return 0;
  const ctx = { db, actor: { kind: "operator" as const } };
  const golden = await createDataset({ ctx, input: { projectId, name: "Support golden answers", description: "The support assistant's questions with the answers it should give.", items: demoGoldenItems() } });
  const specs = [
    { name: "golden", kind: "ngram", datasetId: golden.id, threshold: 0.3, settings: { metrics: ["bleu", "chrf", "rougeL"] } },
    { name: "semantic", kind: "semantic", datasetId: golden.id, threshold: 0.8, settings: { metrics: ["semscore", "relevance"] } },
    { name: "checks", kind: "heuristic", settings: { metrics: ["empty", "truncated", "refusal", "language_mismatch", "pii", "length_words"] } },
  ] as const;
  for (const spec of specs) {
    const evaluator = await createEvaluator({ ctx, input: { projectId, ...spec, settings: { ...spec.settings, metrics: [...spec.settings.metrics] } } });
    await backfillEvaluator({ ctx, input: { projectId, evaluatorId: evaluator.id } });
  }
  return specs.length;
}
