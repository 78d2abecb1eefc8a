import { and, eq, sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { evaluators } from "@/db/schema";
import type { Transport } from "@/lib/evals/judge/chat-client";
import { judgeUsageOn, recordJudgeUsage } from "@/lib/evals/judge/budget";
import { dbJudgeCache } from "@/lib/evals/judge/cache";
import { createSemaphore, judgeCacheKey, runJudge, toTemplateInput, type JudgeTraceInput, type Semaphore } from "@/lib/evals/judge/run";
import type { JudgeSettings } from "@/lib/evals/judge/settings";
import type { JudgeTemplate } from "@/lib/evals/judge/templates";
import { openLlmConnection, type OpenedLlmConnection } from "@/lib/services/llm-connections";

/**
 * The llm_judge half of the evaluation job: one judge call per claimed
 * (trace, evaluator) row, through the evaluator's connection, with
 *
 * - the project's judge cache, checked first: a backfill or a retry of a
 *   trace already judged reads the verdict and pays nothing;
 * - the daily caps checked before every call that is not a cache hit, and the
 *   call's tokens and estimated cost recorded after it; the call that would
 *   pass a cap is not made: the evaluator pauses itself with the reason until
 *   the next UTC midnight, when the job enables it again;
 * - a semaphore per evaluator (its `concurrency`), shared by every batch of
 *   this process;
 * - retries inside the chat client for 429/5xx honouring a short
 *   `Retry-After`; a longer one sends the row back to the backlog for then,
 *   so no worker sleeps on it.
 *
 * An unreadable answer is a final failure with the raw answer kept
 * (`eval_backlog.last_answer`), never a score.
 */

/** Longest `Retry-After` the job sleeps on inside a batch; a longer one re-queues the row for that time. */
export const JUDGE_MAX_INLINE_RETRY_AFTER_MS = 10_000;
/** Rows of one judge evaluator judged per batch, per unit of its concurrency; the rest go back to the backlog at once (a batch stays well inside its lease). */
const ROWS_PER_CONCURRENCY = 8;

export type JudgeItem<Row> = {
  row: Row;
  projectId: string;
  evaluatorId: string;
  settings: JudgeSettings;
  template: JudgeTemplate;
  input: JudgeTraceInput;
};

export type JudgeItemOutcome =
  | { kind: "score"; value: number; comment: string | null }
  /** The template cannot judge this trace (no contexts, no reference): done, with no score. */
  | { kind: "skip"; reason: string }
  /** Not attempted: released to the backlog (its evaluator paused itself, or the batch had enough). */
  | { kind: "release"; delaySeconds: number }
  | { kind: "error"; message: string; final: boolean; retryAfterSeconds: number | null; rawAnswer: string | null };

export type JudgeRunOptions = {
  /** The clock of budgets and pauses (tests move it to the next day). */
  now?: Date;
  transport?: Transport;
  sleep?: (ms: number) => Promise<void>;
};

type Global = typeof globalThis & { __driftlineJudgeSemaphores?: Map<string, Semaphore> };
function evaluatorSemaphore(evaluatorId: string, limit: number): Semaphore {
  const store = globalThis as Global;
  store.__driftlineJudgeSemaphores ??= new Map();
  const key = `${evaluatorId}:${limit}`;
  let semaphore = store.__driftlineJudgeSemaphores.get(key);
  if (!semaphore) {
    semaphore = createSemaphore(limit);
    store.__driftlineJudgeSemaphores.set(key, semaphore);
  }
  return semaphore;
}

export function nextUtcMidnight(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}

/** Enables evaluators whose self-pause (a daily cap) has run out. */
export async function resumeSelfPausedEvaluators(handle: DatabaseHandle, now: Date): Promise<number> {
  const rows = await handle.query<{ id: string }>(
    `update evaluators set status = 'enabled', paused_reason = null, paused_until = null, updated_at = now()
      where status = 'paused' and paused_until is not null and paused_until <= $1::timestamptz
      returning id`,
    [now.toISOString()],
  );
  return rows.length;
}

type Budget = { calls: number; costUsd: number; pausedReason: string | null; judged: number };

export async function runJudgeItems<Row>(
  handle: DatabaseHandle,
  items: Array<JudgeItem<Row>>,
  options: JudgeRunOptions & { final: (row: Row) => boolean },
): Promise<Array<{ row: Row; outcome: JudgeItemOutcome }>> {
  const now = options.now ?? new Date();
  const connections = new Map<string, Promise<OpenedLlmConnection | Error>>();
  const budgets = new Map<string, Promise<Budget>>();
  const connectionOf = (item: JudgeItem<Row>) => {
    const key = `${item.projectId}/${item.settings.connectionId}`;
    if (!connections.has(key)) {
      connections.set(
        key,
        openLlmConnection(handle.db, item.projectId, item.settings.connectionId).catch((error: unknown) =>
          error instanceof Error ? error : new Error(String(error)),
        ),
      );
    }
    return connections.get(key)!;
  };
  const budgetOf = (item: JudgeItem<Row>) => {
    const key = `${item.projectId}/${item.evaluatorId}`;
    if (!budgets.has(key)) {
      budgets.set(
        key,
        judgeUsageOn(handle.db, item.projectId, item.evaluatorId, now).then((used) => ({ calls: used.calls, costUsd: used.costUsd, pausedReason: null, judged: 0 })),
      );
    }
    return budgets.get(key)!;
  };

  const judgeOne = async (item: JudgeItem<Row>): Promise<JudgeItemOutcome> => {
    const connection = await connectionOf(item);
    if (connection instanceof Error) {
      return { kind: "error", message: `the LLM connection cannot be used: ${connection.message}`, final: options.final(item.row), retryAfterSeconds: null, rawAnswer: null };
    }
    const budget = await budgetOf(item);
    if (budget.pausedReason !== null) return { kind: "release", delaySeconds: 0 };
    if (budget.judged >= item.settings.concurrency * ROWS_PER_CONCURRENCY) return { kind: "release", delaySeconds: 0 };
    budget.judged++;
    const templateInput = toTemplateInput(item.input);
    const missing = item.template.missing(templateInput);
    if (missing) return { kind: "skip", reason: missing };
    const cache = dbJudgeCache(handle.db, item.projectId);
    const cached = await cache.get(judgeCacheKey(item.template, connection.endpoint, templateInput));
    if (!cached) {
      // Checked and reserved with no await in between: concurrent rows of one evaluator cannot both take the last call.
      const { dailyCallCap, dailyCostCapUsd } = item.settings;
      if (dailyCallCap !== null && budget.calls >= dailyCallCap) {
        budget.pausedReason = `daily cap of ${dailyCallCap} judge calls reached`;
        return { kind: "release", delaySeconds: 0 };
      }
      if (dailyCostCapUsd !== null && budget.costUsd >= dailyCostCapUsd) {
        budget.pausedReason = `daily cap of $${dailyCostCapUsd} reached (estimated $${budget.costUsd.toFixed(4)})`;
        return { kind: "release", delaySeconds: 0 };
      }
      budget.calls++;
    }
    const result = await runJudge({ endpoint: connection.endpoint }, item.template, item.input, {
      cache,
      semaphore: evaluatorSemaphore(item.evaluatorId, item.settings.concurrency),
      transport: options.transport,
      timeoutMs: item.settings.timeoutMs,
      maxRetryAfterMs: JUDGE_MAX_INLINE_RETRY_AFTER_MS,
      sleep: options.sleep,
    });
    const paid = (result.status === "scored" && !result.cached) || (result.status === "failed" && result.kind === "answer");
    if (paid) {
      const { costUsd } = await recordJudgeUsage(handle.db, {
        projectId: item.projectId,
        evaluatorId: item.evaluatorId,
        model: connection.endpoint.model,
        usage: result.usage,
        prices: connection.prices,
        at: now,
      });
      budget.costUsd += costUsd ?? 0;
    } else if (!cached) {
      budget.calls--; // no answer, nothing paid: the reservation is returned
    }
    if (result.status === "scored") return { kind: "score", value: result.score, comment: result.reasoning };
    if (result.status === "skipped") return { kind: "skip", reason: result.reason };
    if (result.kind === "answer") {
      return { kind: "error", message: `the judge's answer cannot be read: ${result.message}`, final: true, retryAfterSeconds: null, rawAnswer: result.raw };
    }
    return {
      kind: "error",
      message: `the judge call failed after ${result.attempts} attempt(s): ${result.message}`,
      final: options.final(item.row),
      retryAfterSeconds: result.retryAfterMs === null ? null : Math.ceil(result.retryAfterMs / 1000),
      rawAnswer: result.raw,
    };
  };

  const results = await Promise.all(items.map(async (item) => ({ row: item.row, outcome: await judgeOne(item) })));

  for (const [key, pending] of budgets) {
    const budget = await pending;
    if (budget.pausedReason === null) continue;
    const [projectId, evaluatorId] = key.split("/") as [string, string];
    const until = nextUtcMidnight(now);
    await handle.db
      .update(evaluators)
      .set({ status: "paused", pausedReason: `${budget.pausedReason}; resumes at ${until.toISOString().replace(".000Z", "Z")} (the next UTC day)`, pausedUntil: until, updatedAt: sql`now()` })
      .where(and(eq(evaluators.projectId, projectId), eq(evaluators.id, evaluatorId), eq(evaluators.status, "enabled")));
  }
  return results;
}
