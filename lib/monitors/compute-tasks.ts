/**
 * The CPU-heavy, pure steps of a monitor evaluation: two-sample embedding
 * tests (MMD permutations, classifier AUC, per-dimension KS), the 2-d
 * projection, k-means topics and their labels. They run in the statistics
 * worker thread (`compute.ts`), so a backfill computing hundreds of windows
 * never holds up the web server's requests. Numbers in, plain data out: what
 * goes in and out is copied between threads.
 */
import { assignTopics, compareEmbeddings, evaluateTopicDrift, fitTopics, labelGroups, projectTo2d } from "@/lib/drift";

export const computeTasks = { compareEmbeddings, projectTo2d, evaluateTopicDrift, fitTopics, assignTopics, labelGroups };

export type ComputeTasks = typeof computeTasks;
export type ComputeTask = keyof ComputeTasks;
