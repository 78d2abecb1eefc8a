import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { judgeCache } from "@/db/schema";
import type { JudgeCache } from "./run";

/**
 * The judge cache of one project in the database (`judge_cache`): a verdict
 * is written once per key; a second writer of the same key keeps the first.
 */
export function dbJudgeCache(db: Pick<Database, "select" | "insert">, projectId: string): JudgeCache {
  return {
    async get(key) {
      const [row] = await db
        .select()
        .from(judgeCache)
        .where(and(eq(judgeCache.projectId, projectId), eq(judgeCache.key, key)))
        .limit(1);
      if (!row) return null;
      return { score: row.score, reasoning: row.reasoning, detail: row.detail, usage: { promptTokens: row.promptTokens, completionTokens: row.completionTokens } };
    },
    async put(key, entry) {
      await db
        .insert(judgeCache)
        .values({
          projectId,
          key,
          templateId: entry.templateId,
          templateVersion: entry.templateVersion,
          model: entry.model,
          score: entry.score,
          reasoning: entry.reasoning,
          detail: entry.detail,
          promptTokens: entry.usage.promptTokens,
          completionTokens: entry.usage.completionTokens,
        })
        .onConflictDoNothing();
    },
  };
}
