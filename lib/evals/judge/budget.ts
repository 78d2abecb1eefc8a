import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { judgeUsage } from "@/db/schema";
import { priceTrace } from "@/lib/ingest/pricing";
import type { ChatUsage } from "./chat-client";

/**
 * Daily judge budgets. Every judge call an evaluator makes is counted in
 * `judge_usage` (per evaluator id and UTC day) with its tokens and its cost
 * estimated from them: the price table (lib/ingest/pricing.ts) when it knows
 * the model, else the connection's own prices when it has them, else no cost
 * (the call is counted as unpriced). The evaluator framework asks
 * `checkJudgeBudget` before a call and `recordJudgeUsage` after it.
 */

export type JudgePrices = { inputPerMillion: number; outputPerMillion: number } | null | undefined;

/** USD for one call's tokens, or null when neither the table nor the connection prices the model. */
export function estimateJudgeCost(model: string, usage: ChatUsage, prices?: JudgePrices): number | null {
  if (usage.promptTokens === null && usage.completionTokens === null) return null;
  const priced = priceTrace(
    { provider: null, model, modelVersion: null, inputTokens: usage.promptTokens ?? 0, outputTokens: usage.completionTokens ?? 0 },
    prices ? [{ provider: null, model: model.toLowerCase(), inputPerMillion: prices.inputPerMillion, outputPerMillion: prices.outputPerMillion, cachedInputPerMillion: null }] : [],
  );
  return priced?.costUsd ?? null;
}

export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

export type JudgeUsageDay = { calls: number; promptTokens: number; completionTokens: number; costUsd: number; unpricedCalls: number };

export async function judgeUsageOn(db: Pick<Database, "select">, projectId: string, evaluatorId: string, at = new Date()): Promise<JudgeUsageDay> {
  const [row] = await db
    .select()
    .from(judgeUsage)
    .where(and(eq(judgeUsage.projectId, projectId), eq(judgeUsage.evaluatorId, evaluatorId), eq(judgeUsage.day, utcDay(at))));
  return {
    calls: row?.calls ?? 0,
    promptTokens: Number(row?.promptTokens ?? 0),
    completionTokens: Number(row?.completionTokens ?? 0),
    costUsd: row?.costUsd ?? 0,
    unpricedCalls: row?.unpricedCalls ?? 0,
  };
}

export type JudgeBudget = { maxCallsPerDay?: number | null; maxCostUsdPerDay?: number | null };

export type BudgetCheck = { allowed: true; used: JudgeUsageDay } | { allowed: false; reason: string; used: JudgeUsageDay };

/** Whether one more call fits today's caps (UTC day). A cap left null or undefined is no cap. */
export async function checkJudgeBudget(
  db: Pick<Database, "select">,
  input: { projectId: string; evaluatorId: string; budget: JudgeBudget; at?: Date },
): Promise<BudgetCheck> {
  const used = await judgeUsageOn(db, input.projectId, input.evaluatorId, input.at);
  const { maxCallsPerDay, maxCostUsdPerDay } = input.budget;
  if (maxCallsPerDay != null && used.calls >= maxCallsPerDay) {
    return { allowed: false, reason: `daily cap of ${maxCallsPerDay} judge calls reached`, used };
  }
  if (maxCostUsdPerDay != null && used.costUsd >= maxCostUsdPerDay) {
    return { allowed: false, reason: `daily cap of $${maxCostUsdPerDay} reached (estimated $${used.costUsd.toFixed(4)})`, used };
  }
  return { allowed: true, used };
}

/** Adds one call (cached verdicts are not calls: do not record them) to today's row. Returns the cost it added. */
export async function recordJudgeUsage(
  db: Pick<Database, "insert">,
  input: { projectId: string; evaluatorId: string; model: string; usage: ChatUsage; prices?: JudgePrices; at?: Date },
): Promise<{ costUsd: number | null }> {
  const costUsd = estimateJudgeCost(input.model, input.usage, input.prices);
  const prompt = input.usage.promptTokens ?? 0;
  const completion = input.usage.completionTokens ?? 0;
  await db
    .insert(judgeUsage)
    .values({
      projectId: input.projectId,
      evaluatorId: input.evaluatorId,
      day: utcDay(input.at ?? new Date()),
      calls: 1,
      promptTokens: prompt,
      completionTokens: completion,
      costUsd: costUsd ?? 0,
      unpricedCalls: costUsd === null ? 1 : 0,
    })
    .onConflictDoUpdate({
      target: [judgeUsage.projectId, judgeUsage.evaluatorId, judgeUsage.day],
      set: {
        calls: sql`${judgeUsage.calls} + 1`,
        promptTokens: sql`${judgeUsage.promptTokens} + ${prompt}`,
        completionTokens: sql`${judgeUsage.completionTokens} + ${completion}`,
        costUsd: sql`${judgeUsage.costUsd} + ${costUsd ?? 0}`,
        unpricedCalls: sql`${judgeUsage.unpricedCalls} + ${costUsd === null ? 1 : 0}`,
      },
    });
  return { costUsd };
}
