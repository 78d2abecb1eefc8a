import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { createEmbedder, type Embedder } from "@/lib/embeddings";
import { computeMetrics, prepareMetric, type MetricName } from "@/lib/evals/metrics";
import { drainEmbeddingBacklog } from "@/lib/jobs/embed";
import { drainEvalBacklog, runEvalBatch } from "@/lib/jobs/evaluate";
import { queueArrivedTraces } from "@/lib/jobs/eval-arrivals";
import { addDatasetItems, createDataset } from "@/lib/services/datasets/datasets";
import { backfillEvaluator, createEvaluator, updateEvaluator } from "@/lib/services/evaluators/evaluators";
import { getEvaluationBacklog } from "@/lib/queries/evaluators";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { minimalTrace } from "../../testing/fixtures/trace";
import { dbTargets } from "./targets";

const GOLDEN = [
  { input: "How do I reset my password?", expectedOutput: "Use Forgot password on the sign-in page; the emailed link is valid for 30 minutes." },
  { input: "Can I change the billing currency of my account?", expectedOutput: "Yes: open Billing settings and choose a new currency; it applies from the next invoice." },
];

/** What the metric definition gives for these texts: the value a stored score must equal. */
async function metric(name: MetricName, response: string, reference: string): Promise<number> {
  const out = await computeMetrics([prepareMetric(name)], { prompt: null, response, reference });
  return (out[name] as { value: number }).value;
}

for (const target of dbTargets()) {
  describe(`evaluators on ${target.name}`, () => {
    let handle: DatabaseHandle & { dispose(): Promise<void> };
    let embedder: Embedder;
    let projectId: string;
    const operator = () => ({ db: handle.db, actor: { kind: "operator" as const } });
    const scoresOf = (externalId: string) =>
      handle.query<{ name: string; value: number; evaluator_version: number; dataset_item_id: string | null; match_similarity: number | null }>(
        `select s.name, s.value, s.evaluator_version, s.dataset_item_id, s.match_similarity from scores s join traces t on t.project_id = s.project_id and t.id = s.trace_id
          where t.project_id = $1 and t.external_id = $2 and s.source = 'eval' order by s.name`,
        [projectId, externalId],
      );
    const ingest = (traces: ReturnType<typeof minimalTrace>[]) => recordTraces(handle.db, { projectId, traces });

    beforeAll(async () => {
      handle = await target.open();
      embedder = await createEmbedder({ worker: false, env: { EMBEDDING_MODEL: "driftline-glove-100d" } });
      const [project] = await handle.db.insert(projects).values({ slug: "evals", name: "Evals" }).returning();
      projectId = project!.id;
    });
    afterAll(async () => {
      await embedder.close();
      await handle.dispose();
    });

    it("scores live traces against the golden set: exact and near matches get reference scores, others none", async () => {
      const dataset = await createDataset({ ctx: operator(), input: { projectId, name: "support golden", items: GOLDEN } });
      expect(dataset).toMatchObject({ items: 2, version: 1 });
      const ngram = await createEvaluator({ ctx: operator(), input: { projectId, name: "golden", kind: "ngram", datasetId: dataset.id, settings: { metrics: ["bleu", "rougeL"] } } });
      const checks = await createEvaluator({ ctx: operator(), input: { projectId, name: "checks", kind: "heuristic", settings: { metrics: ["empty", "length_words"] } } });
      expect(ngram.scoreNames).toEqual(["golden.bleu", "golden.rougeL"]);

      await ingest([
        minimalTrace("exact", { prompt: "  How do I reset my password? ", response: "Use Forgot password on the sign-in page; the link lasts 30 minutes." }),
        minimalTrace("near", { prompt: "How can I reset my password?", response: "Click Forgot password." }),
        minimalTrace("other", { prompt: "What is the weather on Mars today?", response: "Cold and dusty." }),
        minimalTrace("own-reference", { prompt: "What is the weather on Mars today?", response: "Cold and dusty.", expectedOutput: "Cold, dry and dusty." }),
      ]);
      // Ingest only flags the traces; the job queues each for the two evaluators, then claims.
      const flagged = await handle.query<{ n: number }>("select count(*)::int as n from trace_keys where project_id = $1 and eval_pending", [projectId]);
      expect(flagged[0]!.n).toBe(4);
      expect((await handle.query<{ n: number }>("select count(*)::int as n from eval_backlog where project_id = $1", [projectId]))[0]!.n).toBe(0);
      expect(await getEvaluationBacklog(handle.db, projectId)).toMatchObject({ pending: 0, arriving: 4 });

      // The golden-set evaluator's rows are not even claimed until the prompts are embedded; the heuristics run.
      const first = await runEvalBatch(handle, embedder);
      expect(first).toMatchObject({ arrived: 4, claimed: 4, scored: 4, waiting: 0 });
      expect(await getEvaluationBacklog(handle.db, projectId)).toMatchObject({ pending: 4, arriving: 0 });
      const unclaimed = await handle.query<{ n: number }>("select count(*)::int as n from eval_backlog where project_id = $1 and attempts = 0 and locked_until is null", [projectId]);
      expect(unclaimed[0]!.n).toBe(4);
      await drainEmbeddingBacklog(handle, embedder);
      await handle.query("update eval_backlog set next_attempt_at = now() where project_id = $1", [projectId]);
      await drainEvalBacklog(handle, embedder);

      const exact = await scoresOf("exact");
      const bleu = await metric("bleu", "Use Forgot password on the sign-in page; the link lasts 30 minutes.", GOLDEN[0]!.expectedOutput);
      expect(exact.find((s) => s.name === "golden.bleu")).toMatchObject({ match_similarity: 1, evaluator_version: 1 });
      expect(exact.find((s) => s.name === "golden.bleu")!.value).toBeCloseTo(bleu, 12);
      expect(exact.map((s) => s.name)).toEqual(["checks.empty", "checks.length_words", "golden.bleu", "golden.rougeL"]);

      const near = await scoresOf("near");
      expect(near.find((s) => s.name === "golden.rougeL")!.match_similarity).toBeGreaterThanOrEqual(0.9);
      expect(near.find((s) => s.name === "golden.rougeL")!.match_similarity).toBeLessThan(1);
      expect(near.find((s) => s.name === "golden.rougeL")!.dataset_item_id).toBe(exact[2]!.dataset_item_id);

      // No golden question near it: heuristics only.
      expect((await scoresOf("other")).map((s) => s.name)).toEqual(["checks.empty", "checks.length_words"]);
      // Its own expectedOutput is its reference, with no golden item.
      const own = await scoresOf("own-reference");
      const rouge = await metric("rougeL", "Cold and dusty.", "Cold, dry and dusty.");
      expect(own.find((s) => s.name === "golden.rougeL")).toMatchObject({ dataset_item_id: null, match_similarity: null });
      expect(own.find((s) => s.name === "golden.rougeL")!.value).toBeCloseTo(rouge, 12);
      expect(checks.id).toBeTruthy();
      const left = await handle.query<{ n: number }>("select count(*)::int as n from eval_backlog where project_id = $1", [projectId]);
      expect(left[0]!.n).toBe(0);
    });

    it("a paused evaluator scores nothing; a sample rate of 0 queues nothing; the segment filters", async () => {
      const paused = await createEvaluator({ ctx: operator(), input: { projectId, name: "paused", kind: "heuristic", paused: true } });
      await createEvaluator({ ctx: operator(), input: { projectId, name: "never", kind: "heuristic", sampleRate: 0 } });
      await createEvaluator({ ctx: operator(), input: { projectId, name: "cheap only", kind: "heuristic", segment: { model: "cheap" } } });
      await ingest([minimalTrace("p1", { model: "big" }), minimalTrace("p2", { model: "cheap" })]);
      expect(await queueArrivedTraces(handle, { limit: 100 })).toEqual({ traces: 2, queued: 5 });
      const queued = await handle.query<{ name: string; n: number }>(
        `select e.name, count(*)::int as n from eval_backlog b join evaluators e on e.project_id = b.project_id and e.id = b.evaluator_id
          where b.project_id = $1 and e.name in ('paused', 'never', 'cheap only') group by 1 order by 1`,
        [projectId],
      );
      expect(queued).toEqual([{ name: "cheap only", n: 1 }]);
      await drainEvalBacklog(handle, embedder);
      expect((await scoresOf("p1")).filter((s) => s.name.startsWith("paused.") || s.name.startsWith("never."))).toEqual([]);
      // Its backfill queues history, but nothing runs while it is paused.
      const { queued: waiting } = await backfillEvaluator({ ctx: operator(), input: { projectId, evaluatorId: paused.id } });
      expect(waiting).toBeGreaterThan(0);
      expect((await runEvalBatch(handle, embedder)).claimed).toBe(0);
    });

    it("a backfill scores history exactly once, also when run twice or after a lost lease", async () => {
      const evaluator = await createEvaluator({ ctx: operator(), input: { projectId, name: "late", kind: "heuristic", settings: { metrics: ["empty"] } } });
      const traces = await handle.query<{ n: number }>("select count(*)::int as n from traces where project_id = $1", [projectId]);
      const first = await backfillEvaluator({ ctx: operator(), input: { projectId, evaluatorId: evaluator.id } });
      // The traces ingested after it was created are queued already: a backfill adds the rest, once.
      expect(first.queued).toBe(traces[0]!.n);
      expect((await backfillEvaluator({ ctx: operator(), input: { projectId, evaluatorId: evaluator.id } })).queued).toBe(0);
      // A worker claims a batch and dies: the lease runs out and another takes it over.
      await handle.query(`update eval_backlog set locked_until = now() + interval '1 hour', attempts = 1 where project_id = $1 and evaluator_id = $2`, [projectId, evaluator.id]);
      expect((await runEvalBatch(handle, embedder)).claimed).toBe(0);
      await handle.query(`update eval_backlog set locked_until = now() - interval '1 second' where project_id = $1 and evaluator_id = $2`, [projectId, evaluator.id]);
      await drainEvalBacklog(handle, embedder);
      const counts = await handle.query<{ n: number; traces: number }>(
        `select count(*)::int as n, count(distinct trace_id)::int as traces from scores where project_id = $1 and evaluator_id = $2`,
        [projectId, evaluator.id],
      );
      expect(counts[0]).toEqual({ n: traces[0]!.n, traces: traces[0]!.n });
      expect((await backfillEvaluator({ ctx: operator(), input: { projectId, evaluatorId: evaluator.id } })).queued).toBe(0);
    });

    it("a change of settings starts a new version; scores written before keep theirs", async () => {
      const evaluator = await createEvaluator({ ctx: operator(), input: { projectId, name: "versions", kind: "heuristic", settings: { metrics: ["empty"] } } });
      await ingest([minimalTrace("v1")]);
      await drainEvalBacklog(handle, embedder);
      const renamed = await updateEvaluator({ ctx: operator(), input: { projectId, evaluatorId: evaluator.id, threshold: 0.5 } });
      expect(renamed.version).toBe(1);
      const changed = await updateEvaluator({ ctx: operator(), input: { projectId, evaluatorId: evaluator.id, settings: { metrics: ["empty", "refusal"] } } });
      expect(changed.version).toBe(2);
      await ingest([minimalTrace("v2")]);
      await drainEvalBacklog(handle, embedder);
      expect((await scoresOf("v1")).filter((s) => s.name.startsWith("versions."))).toEqual([expect.objectContaining({ name: "versions.empty", evaluator_version: 1 })]);
      expect((await scoresOf("v2")).filter((s) => s.name.startsWith("versions.")).map((s) => [s.name, s.evaluator_version])).toEqual([
        ["versions.empty", 2],
        ["versions.refusal", 2],
      ]);
      const versions = await handle.query<{ version: number }>("select version from evaluator_versions where evaluator_id = $1 order by version", [evaluator.id]);
      expect(versions.map((v) => v.version)).toEqual([1, 2]);
    });

    it("settings are checked with each field's path; a dataset grows a version with each upload", async () => {
      await expect(
        createEvaluator({ ctx: operator(), input: { projectId, name: "bad", kind: "ngram", sampleRate: 2, settings: { metrics: ["semscore"], matchThreshold: 0.1 } } }),
      ).rejects.toMatchObject({
        details: expect.arrayContaining([
          expect.objectContaining({ path: "sampleRate" }),
          expect.objectContaining({ path: "settings.metrics.0" }),
          expect.objectContaining({ path: "settings.matchThreshold" }),
        ]),
      });
      await expect(createEvaluator({ ctx: operator(), input: { projectId, name: "json", kind: "heuristic", settings: { metrics: ["json_schema"] } } })).rejects.toMatchObject({
        details: [expect.objectContaining({ path: "settings.metricSettings.json_schema" })],
      });
      const dataset = await createDataset({ ctx: operator(), input: { projectId, name: "grows" } });
      const grown = await addDatasetItems({ ctx: operator(), input: { projectId, datasetId: dataset.id, items: [{ input: "a", expectedOutput: "b", metadata: {} }] } });
      expect(grown).toMatchObject({ version: 2, items: 1 });
    });

    it("failures are written for the whole batch: a retry keeps its row with the reason, a hopeless one is given up", async () => {
      const [other] = await handle.db.insert(projects).values({ slug: "evals-failures", name: "Failures" }).returning();
      const pid = other!.id;
      const ctx = operator();
      const semantic = await createEvaluator({ ctx, input: { projectId: pid, name: "sem", kind: "semantic", settings: { metrics: ["relevance"] } } });
      const broken = await createEvaluator({ ctx, input: { projectId: pid, name: "broken", kind: "heuristic", settings: { metrics: ["empty"] } } });
      await handle.query(`update evaluators set settings = '{"metrics":["no-such-metric"]}'::jsonb where project_id = $1 and id = $2`, [pid, broken.id]);
      // What the earlier tests left due (rows that waited for their embeddings) is scored first: this batch holds only f1's.
      await drainEmbeddingBacklog(handle, embedder);
      await drainEvalBacklog(handle, embedder);
      await recordTraces(handle.db, { projectId: pid, traces: [minimalTrace("f1", { prompt: "Hello there", response: "Hi, how can I help?" })] });
      await drainEmbeddingBacklog(handle, embedder);
      // No embedder in this process: the semantic evaluator's row is retried later; the broken evaluator's is given up.
      const stats = await runEvalBatch(handle, null);
      expect(stats).toMatchObject({ claimed: 2, scored: 0, retried: 1, failed: 1 });
      const rows = await handle.query<{ evaluator_id: string; attempts: number; last_error: string; failed: boolean; later: boolean; locked: boolean }>(
        `select evaluator_id, attempts, last_error, failed_at is not null as failed, next_attempt_at > now() + interval '20 seconds' as later,
                locked_until is not null as locked
           from eval_backlog where project_id = $1`,
        [pid],
      );
      const bySemantic = rows.find((r) => r.evaluator_id === semantic.id)!;
      const byBroken = rows.find((r) => r.evaluator_id === broken.id)!;
      expect(bySemantic).toMatchObject({ attempts: 1, failed: false, later: true, locked: false });
      expect(bySemantic.last_error).toMatch(/^attempt 1: no embedding model/);
      expect(byBroken).toMatchObject({ attempts: 1, failed: true, locked: false });
      expect(byBroken.last_error).toMatch(/^attempt 1: /);
    });
  });
}
