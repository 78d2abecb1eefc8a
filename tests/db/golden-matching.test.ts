import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { ensureEmbeddingModel } from "@/db/embedding-index";
import { projects } from "@/db/schema";
import { createEmbedder, type Embedder } from "@/lib/embeddings";
import { matchGoldenItems, type TraceForMatch } from "@/lib/evals/matching";
import { addDatasetItems, createDataset } from "@/lib/services/datasets/datasets";
import { dbTargets } from "./targets";

const TOPICS = ["invoice", "password", "refund", "single sign-on", "API key", "data export", "webhook", "plan", "team seat", "SQL report"];
const VERBS = ["change", "reset", "download", "cancel", "find"];
const golden = TOPICS.flatMap((topic, i) =>
  VERBS.map((verb, j) => ({ input: `How do I ${verb} the ${topic} of my workspace?`, expectedOutput: `Open Settings, ${topic}, then ${verb} (${i}.${j}).` })),
);
// Reworded questions: some near one item, some between items, some about nothing in the set.
const prompts = [
  ...TOPICS.flatMap((topic) => [`Where can I ${VERBS[0]} my ${topic}?`, `I want to ${VERBS[1]} the ${topic} settings please`, `${topic} ${VERBS[2]} workspace`]),
  "What is the weather on Mars today?",
  "   How do I reset   the password of my workspace?  ",
  "Tell me a joke about cats",
];

for (const target of dbTargets()) {
  describe(`golden-set matching on ${target.name}`, () => {
    let handle: DatabaseHandle & { dispose(): Promise<void> };
    let embedder: Embedder;
    let projectId: string;
    let modelId: number;
    const operator = () => ({ db: handle.db, actor: { kind: "operator" as const } });
    const traces = async (texts: string[]): Promise<TraceForMatch[]> => {
      const batch = await embedder.embedBatch(texts);
      // Half the prompts come with their vector as stored (single precision), half are embedded by the matcher.
      return texts.map((text, i) => ({ id: `t${i}`, prompt_text: text, prompt_vector: i % 2 === 0 && !batch.empty[i] ? Float32Array.from(batch.vectors[i]!) : null }));
    };

    beforeAll(async () => {
      handle = await target.open();
      embedder = await createEmbedder({ worker: false, env: { EMBEDDING_MODEL: "driftline-glove-100d" } });
      const [project] = await handle.db.insert(projects).values({ slug: "matching", name: "Matching" }).returning();
      projectId = project!.id;
      modelId = (await ensureEmbeddingModel(handle, embedder.modelId, embedder.dimensions, { index: false })).id;
    });
    afterAll(async () => {
      await embedder.close();
      await handle.dispose();
    });

    it("matches in process exactly as the pgvector query does, and sees a new version of the set", async () => {
      const dataset = await createDataset({ ctx: operator(), input: { projectId, name: "golden", items: golden } });
      const request = async (threshold: number) => ({ projectId, datasetId: dataset.id, threshold, traces: await traces(prompts) });
      for (const threshold of [0.5, 0.9]) {
        const inProcess = await matchGoldenItems(handle, embedder, modelId, await request(threshold));
        const inSql = await matchGoldenItems(handle, embedder, modelId, await request(threshold), { inProcessMaxItems: 0 });
        expect([...inProcess.keys()].sort()).toEqual([...inSql.keys()].sort());
        for (const [id, sqlMatch] of inSql) {
          const mine = inProcess.get(id)!;
          if (sqlMatch === null) {
            expect(mine, id).toBeNull();
            continue;
          }
          expect(mine, id).toMatchObject({ itemId: sqlMatch.itemId, expectedOutput: sqlMatch.expectedOutput, exact: sqlMatch.exact });
          // pgvector sums in single precision, the matcher in double.
          expect(Math.abs(mine!.similarity - sqlMatch.similarity), id).toBeLessThan(1e-6);
        }
        const matched = [...inSql.values()].filter((m) => m !== null);
        // The comparison means something: exact, near and unmatched prompts are all there.
        expect(matched.some((m) => m.exact)).toBe(true);
        expect(matched.some((m) => !m.exact)).toBe(true);
        expect(matched.length).toBeLessThan(prompts.length);
      }

      // Items added later (a new version) are matched at once: the loaded set is not served stale.
      const question = "Is there a discount for students and teachers?";
      const before = await matchGoldenItems(handle, embedder, modelId, { projectId, datasetId: dataset.id, threshold: 0.9, traces: await traces([question]) });
      expect(before.get("t0")).toBeNull();
      await addDatasetItems({ ctx: operator(), input: { projectId, datasetId: dataset.id, items: [{ input: question, expectedOutput: "Yes, 50 % off.", metadata: {} }] } });
      const after = await matchGoldenItems(handle, embedder, modelId, { projectId, datasetId: dataset.id, threshold: 0.9, traces: await traces([question, "Is there a discount for students?"]) });
      expect(after.get("t0")).toMatchObject({ expectedOutput: "Yes, 50 % off.", exact: true, similarity: 1 });
      expect(after.get("t1")).toMatchObject({ expectedOutput: "Yes, 50 % off.", exact: false });
      // The items were embedded once and stored for the other processes.
      const stored = await handle.query<{ n: number }>(
        `select count(*)::int as n from dataset_items where project_id = $1 and dataset_id = $2 and embedding_model_id = $3 and embedding is not null`,
        [projectId, dataset.id, modelId],
      );
      expect(stored[0]!.n).toBe(golden.length + 1);
    });
  });
}
