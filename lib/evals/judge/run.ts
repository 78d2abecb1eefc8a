import { createHash } from "node:crypto";
import { callChatCompletion, ChatCallError, type ChatUsage, type LlmEndpoint, type Transport } from "./chat-client";
import { JudgeAnswerError } from "./protocol";
import type { JudgeInput, JudgeTemplate } from "./templates";
import { guardedTransport } from "./transport";

/**
 * One judgement: a template over one trace's inputs, through one connection.
 * Builds the template's prompt, calls the endpoint (bounded concurrency,
 * retries in the chat client), reads the verdict through the function-call
 * protocol and answers a score in [0, 1] with the judge's reasoning — or a
 * typed failure that keeps the raw answer, never a made-up score. A cache
 * (lib/evals/judge/cache.ts) keyed by everything that decides the verdict
 * makes a retry or a backfill over the same trace free.
 */

/** What the runner needs of a connection: its endpoint with the key opened. */
export type JudgeConnection = { endpoint: LlmEndpoint };

/** The trace's inputs to a judge. */
export type JudgeTraceInput = {
  question: string | null;
  answer: string | null;
  reference?: string | null;
  contexts?: string[] | null;
  /** The system prompt (the safety template's leak check). */
  system?: string | null;
};

export type CachedVerdict = {
  score: number;
  reasoning: string | null;
  detail: Record<string, unknown>;
  usage: ChatUsage;
};

/** Where verdicts are kept between runs; `dbJudgeCache` in ./cache.ts is the database one. */
export type JudgeCache = {
  get(key: string): Promise<CachedVerdict | null>;
  put(key: string, entry: CachedVerdict & { templateId: string; templateVersion: number; model: string }): Promise<void>;
};

export type JudgeOutcome =
  | {
      status: "scored";
      score: number;
      reasoning: string | null;
      detail: Record<string, unknown>;
      /** Tokens this call spent; zero when the verdict came from the cache. */
      usage: ChatUsage;
      cached: boolean;
      cacheKey: string;
      attempts: number;
      /** The model the server says answered (null when cached or not said). */
      model: string | null;
    }
  | { status: "skipped"; reason: string }
  | {
      status: "failed";
      /** `answer`: the judge answered something the protocol cannot read; `call`: no usable answer (HTTP error, timeout, refused address). */
      kind: "answer" | "call";
      message: string;
      /** The judge's answer as received (key redacted), for debugging; null when there was none. */
      raw: string | null;
      httpStatus: number | null;
      /** How long the server asked us to wait (`Retry-After`) when it refused the last attempt; null when it did not say. */
      retryAfterMs: number | null;
      /** Tokens spent by a call that answered garbage (they are still paid for). */
      usage: ChatUsage;
      attempts: number;
    };

/** A counting semaphore: at most `limit` judge calls in flight. */
export type Semaphore = { run<T>(task: () => Promise<T>): Promise<T>; readonly active: number; readonly limit: number };

export function createSemaphore(limit: number): Semaphore {
  if (!Number.isInteger(limit) || limit < 1) throw new Error("a semaphore needs a limit of at least 1");
  let active = 0;
  const waiting: Array<() => void> = [];
  return {
    get active() {
      return active;
    },
    limit,
    async run(task) {
      if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
      try {
        return await task();
      } finally {
        active--;
        waiting.shift()?.();
      }
    },
  };
}

/** Judge calls this process makes at once unless a caller passes its own semaphore. */
export const DEFAULT_JUDGE_CONCURRENCY = 4;
type Global = typeof globalThis & { __driftlineJudgeSemaphore?: Semaphore };
function processSemaphore(): Semaphore {
  const store = globalThis as Global;
  store.__driftlineJudgeSemaphore ??= createSemaphore(DEFAULT_JUDGE_CONCURRENCY);
  return store.__driftlineJudgeSemaphore;
}

export type RunJudgeOptions = {
  cache?: JudgeCache | null;
  semaphore?: Semaphore;
  /** Defaults to the guarded transport (internal addresses refused unless DRIFTLINE_ALLOW_PRIVATE_LLM=1). */
  transport?: Transport;
  timeoutMs?: number;
  maxRetries?: number;
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
};

export function toTemplateInput(input: JudgeTraceInput): JudgeInput {
  return {
    question: input.question ?? null,
    answer: input.answer ?? null,
    reference: input.reference ?? null,
    contexts: (input.contexts ?? []).filter((c) => typeof c === "string" && c.trim() !== ""),
    system: input.system ?? null,
  };
}

/**
 * The cache key: SHA-256 over the template's id and version, the model, the
 * base URL (trailing slashes dropped) and the exact request the template
 * builds from the inputs (which holds every input and, for a custom
 * template, the rubric).
 */
export function judgeCacheKey(template: JudgeTemplate, endpoint: Pick<LlmEndpoint, "baseUrl" | "model">, input: JudgeInput): string {
  const request = template.request(input);
  return createHash("sha256")
    .update(JSON.stringify([template.id, template.version, endpoint.model, endpoint.baseUrl.replace(/\/+$/, ""), request]))
    .digest("hex");
}

const NO_USAGE: ChatUsage = { promptTokens: null, completionTokens: null };

export async function runJudge(connection: JudgeConnection, template: JudgeTemplate, traceInput: JudgeTraceInput, options: RunJudgeOptions = {}): Promise<JudgeOutcome> {
  const input = toTemplateInput(traceInput);
  const missing = template.missing(input);
  if (missing) return { status: "skipped", reason: missing };
  const cacheKey = judgeCacheKey(template, connection.endpoint, input);
  const hit = options.cache ? await options.cache.get(cacheKey) : null;
  if (hit) {
    return { status: "scored", score: hit.score, reasoning: hit.reasoning, detail: hit.detail, usage: { promptTokens: 0, completionTokens: 0 }, cached: true, cacheKey, attempts: 0, model: null };
  }
  const semaphore = options.semaphore ?? processSemaphore();
  let answer;
  try {
    answer = await semaphore.run(() =>
      callChatCompletion(connection.endpoint, template.request(input), {
        transport: options.transport ?? guardedTransport(),
        timeoutMs: options.timeoutMs,
        maxRetries: options.maxRetries,
        maxRetryAfterMs: options.maxRetryAfterMs,
        sleep: options.sleep,
      }),
    );
  } catch (error) {
    if (error instanceof ChatCallError) {
      return { status: "failed", kind: "call", message: error.message, raw: error.details.body ?? null, httpStatus: error.details.status, retryAfterMs: error.details.retryAfterMs ?? null, usage: NO_USAGE, attempts: error.details.attempts };
    }
    throw error;
  }
  let verdict;
  try {
    verdict = template.read(answer, input);
  } catch (error) {
    if (error instanceof JudgeAnswerError) {
      return { status: "failed", kind: "answer", message: error.message, raw: error.raw, httpStatus: null, retryAfterMs: null, usage: answer.usage, attempts: answer.attempts };
    }
    throw error;
  }
  if (!Number.isFinite(verdict.score) || verdict.score < 0 || verdict.score > 1) {
    return { status: "failed", kind: "answer", message: `the verdict maps to ${verdict.score}, outside [0, 1]`, raw: answer.raw, httpStatus: null, retryAfterMs: null, usage: answer.usage, attempts: answer.attempts };
  }
  if (options.cache) {
    await options.cache.put(cacheKey, {
      score: verdict.score,
      reasoning: verdict.reasons,
      detail: verdict.detail,
      usage: answer.usage,
      templateId: template.id,
      templateVersion: template.version,
      model: connection.endpoint.model,
    });
  }
  return {
    status: "scored",
    score: verdict.score,
    reasoning: verdict.reasons,
    detail: verdict.detail,
    usage: answer.usage,
    cached: false,
    cacheKey,
    attempts: answer.attempts,
    model: answer.model,
  };
}
