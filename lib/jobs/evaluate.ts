import { sql } from "drizzle-orm";
import { claimPerProject } from "@/db/claim";
import type { DatabaseHandle } from "@/db/client";
import { ensureEmbeddingModel } from "@/db/embedding-index";
import type { Embedder } from "@/lib/embeddings";
import { prepareEvaluator, scoreName, type EvaluatorKind, type PreparedEvaluator } from "@/lib/evals/evaluator";
import { matchGoldenItems, parseVector, type GoldenMatch } from "@/lib/evals/matching";
import { computeMetrics, isSkipped, type MetricName } from "@/lib/evals/metrics";
import { ARRIVALS_WAITING, queueArrivedTraces } from "./eval-arrivals";
import { resumeSelfPausedEvaluators, runJudgeItems, type JudgeItem, type JudgeRunOptions } from "./evaluate-judge";

/**
 * (trace, evaluator) rows claimed per batch: each phase is one statement for the whole batch, so a larger
 * batch spreads its fixed cost (measured in scripts/bench/evals.ts: 512 against 128 before).
 */
export const EVAL_BATCH_SIZE = 512;
/**
 * Rows the server's periodic task claims per tick on the embedded database (on PostgreSQL it takes
 * EVAL_BATCH_SIZE): there a batch holds the one background lane, which the embedding job and the monitors
 * share, so a tick stays short.
 */
export const EVAL_TASK_BATCH_SIZE = 128;
/** After this many failed attempts a trace is given up for that evaluator, with the reason kept. */
export const MAX_EVAL_ATTEMPTS = 5;
/** How long a trace waits for its texts to be embedded before it is looked at again. */
const EMBEDDING_WAIT_SECONDS = 5;
/**
 * Rows whose evaluator embeds (semantic) or matches against a golden set are not claimed while their trace's
 * texts are still in the embedding backlog: claiming them only to put them back kept a fresh project's whole
 * queue cycling through the claim every few seconds (on the embedded database, in the embedding job's own lane).
 * A trace that carries its own expected output waits too with a golden-set evaluator (its texts are embedded
 * within seconds); the job still checks at run time and waits without an attempt if a text was queued since.
 */
const NOT_WAITING_FOR_EMBEDDINGS = `not ((e.kind = 'semantic' or (e.dataset_id is not null and e.kind <> 'heuristic'))
  and exists (select 1 from embedding_backlog eb where eb.project_id = b.project_id and eb.trace_id = b.trace_id and eb.failed_at is null))`;
/** A backlog row `b` the claim takes now (with its evaluator `e` joined by CLAIMABLE_JOIN). */
const CLAIMABLE_JOIN = "join evaluators e on e.project_id = b.project_id and e.id = b.evaluator_id and e.status = 'enabled'";
const CLAIMABLE = `b.failed_at is null and b.next_attempt_at <= now() and (b.locked_until is null or b.locked_until < now()) and ${NOT_WAITING_FOR_EMBEDDINGS}`;

/**
 * Whether a pass of the evaluation job has work: a backlog row it would claim (the claim's own condition), or
 * a new trace to queue. The periodic task asks this first, so an idle tick is one cheap statement.
 */
export async function evaluationWorkDue(handle: DatabaseHandle): Promise<boolean> {
  const [row] = await handle.query<{ due: boolean }>(
    `select exists (select 1 from eval_backlog b ${CLAIMABLE_JOIN} where ${CLAIMABLE})
         or ${ARRIVALS_WAITING} as due`,
  );
  return Boolean(row?.due);
}

/** An LLM judge's unreadable answer is kept up to this length in `eval_backlog.last_answer`. */
const MAX_RAW_ANSWER_CHARS = 16_000;

/**
 * Reference texts (golden answers repeat across batches) already embedded, per embedder and model:
 * an embedding is a pure function of the text and the model, so a cached vector equals a fresh one.
 */
const REFERENCE_CACHE_SIZE = 4096;
const referenceCaches = new WeakMap<Embedder, { modelId: string; vectors: Map<string, Float32Array | null> }>();
function referenceVectorCache(embedder: Embedder): Map<string, Float32Array | null> {
  let entry = referenceCaches.get(embedder);
  if (!entry || entry.modelId !== embedder.modelId) {
    entry = { modelId: embedder.modelId, vectors: new Map() };
    referenceCaches.set(embedder, entry);
  }
  return entry.vectors;
}

const retryDelaySeconds = (attempt: number) => Math.min(1800, 30 * 2 ** Math.max(0, attempt - 1));

type Claimed = { project_id: string; trace_id: string; evaluator_id: string; attempts: number };
type TraceRow = {
  project_id: string;
  id: string;
  prompt_text: string | null;
  response_text: string | null;
  expected_output: string | null;
  finish_reason: string | null;
  contexts: Array<{ content?: unknown }> | null;
  system_text: string | null;
  waiting_embedding: boolean;
  prompt_vector: string | null;
  response_vector: string | null;
};
/** A loaded trace with its stored vectors parsed once (matching fills a missing prompt vector in). */
type LoadedTrace = Omit<TraceRow, "prompt_vector" | "response_vector"> & { prompt_vector: Float32Array | null; response_vector: Float32Array | null };
type EvaluatorRow = { project_id: string; id: string; name: string; kind: EvaluatorKind; settings: unknown; version: number; dataset_id: string | null };

/**
 * `arrived`: new traces queued for their evaluators first (lib/jobs/eval-arrivals.ts); `scored`: pairs
 * finished (an llm_judge template that cannot judge a trace finishes it with no score: `skipped`);
 * `released`: not attempted, back in the backlog (a judge that paused itself).
 */
export type EvalBatchStats = { arrived: number; claimed: number; scored: number; scores: number; skipped: number; waiting: number; released: number; retried: number; failed: number };
/** Milliseconds spent per phase of a batch, summed over batches (for benchmarks and profiling). */
export type EvalPhaseTimes = Record<"arrive" | "claim" | "load" | "match" | "embed" | "compute" | "write", number>;
export const emptyPhaseTimes = (): EvalPhaseTimes => ({ arrive: 0, claim: 0, load: 0, match: 0, embed: 0, compute: 0, write: 0 });

/**
 * One pass of the evaluation job: claims up to `batchSize` due (trace,
 * evaluator) rows of enabled evaluators (`FOR UPDATE SKIP LOCKED` and a
 * lease, so any number of workers share the backlog) — queueing newly stored
 * traces first when the backlog cannot fill the batch — runs each evaluator's
 * metrics and writes their values as scores (`<evaluator>.<metric>`, source
 * `eval`, with the evaluator's id and version and the golden item matched),
 * deleting the backlog row in the same transaction. Scores are inserted with
 * `on conflict do nothing`: a row run twice after a lost lease scores once.
 *
 * A trace whose texts are still in the embedding backlog waits (not an
 * attempt) when its evaluator embeds or matches against a golden set; a
 * failure is retried after 30 s, 60 s, … and given up after 5 attempts with
 * the reason in `last_error`.
 *
 * llm_judge evaluators call their model (lib/jobs/evaluate-judge.ts: cache,
 * daily caps that pause the evaluator until the next UTC day, bounded
 * concurrency); the judge's reasoning is the score's comment.
 */
export async function runEvalBatch(
  handle: DatabaseHandle,
  embedder: Embedder | null,
  options: { batchSize?: number; leaseMs?: number; phases?: EvalPhaseTimes } & JudgeRunOptions = {},
): Promise<EvalBatchStats> {
  const batchSize = options.batchSize ?? EVAL_BATCH_SIZE;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const phases = options.phases;
  let mark = performance.now();
  const lap = (phase: keyof EvalPhaseTimes) => {
    const now = performance.now();
    if (phases) phases[phase] += now - mark;
    mark = now;
  };
  await resumeSelfPausedEvaluators(handle, options.now ?? new Date());
  // Per project (claimPerProject): FOR UPDATE SKIP LOCKED and a lease, each locking statement on one project.
  const claim = (limit: number) =>
    claimPerProject<Claimed>(handle, {
      table: "eval_backlog",
      join: CLAIMABLE_JOIN,
      due: CLAIMABLE,
      orderBy: "b.next_attempt_at",
      set: (p) => `locked_until = now() + make_interval(secs => ${p(0)}::double precision / 1000), attempts = b.attempts + 1`,
      setParams: [leaseMs],
      returning: "b.project_id, b.trace_id, b.evaluator_id, b.attempts",
      limit,
    });
  const claimed = await claim(batchSize);
  lap("claim");
  // New traces are queued only when the backlog cannot fill the batch, so it stays about a batch deep
  // (each trace queues a row per evaluator) and the claim never sorts a long queue.
  let arrivals = { traces: 0, queued: 0 };
  if (claimed.length < batchSize) {
    arrivals = await queueArrivedTraces(handle, { limit: batchSize - claimed.length });
    lap("arrive");
    if (arrivals.queued > 0) {
      claimed.push(...(await claim(batchSize - claimed.length)));
      lap("claim");
    }
  }
  const stats: EvalBatchStats = { arrived: arrivals.traces, claimed: claimed.length, scored: 0, scores: 0, skipped: 0, waiting: 0, released: 0, retried: 0, failed: 0 };
  if (claimed.length === 0) return stats;

  const modelId = embedder ? (await ensureEmbeddingModel(handle, embedder.modelId, embedder.dimensions, { index: false })).id : null;
  const evaluatorRows = await handle.query<EvaluatorRow>(
    `select project_id, id, name, kind, settings, version, dataset_id from evaluators
      where (project_id, id) in (select * from unnest($1::uuid[], $2::uuid[]))`,
    [claimed.map((c) => c.project_id), claimed.map((c) => c.evaluator_id)],
  );
  // Each claimed trace once (a trace is claimed once per evaluator), looked up by key with its two stored vectors.
  const traceKeys = [...new Map(claimed.map((c) => [`${c.project_id}/${c.trace_id}`, c])).values()];
  const traceRows = await handle.query<TraceRow>(
    `select t.project_id, t.id, t.prompt_text, t.response_text, t.expected_output, t.finish_reason, t.contexts,
            case when $4 then (select string_agg(m->>'content', E'\n') from jsonb_array_elements(case when jsonb_typeof(t.prompt) = 'array' then t.prompt else '[]'::jsonb end) m
              where m->>'role' = 'system') end as system_text,
            exists (select 1 from embedding_backlog b where b.project_id = t.project_id and b.trace_id = t.id and b.failed_at is null) as waiting_embedding,
            pe.embedding::text as prompt_vector, re.embedding::text as response_vector
       from unnest($1::uuid[], $2::uuid[]) as u(project_id, id)
       join traces t on t.project_id = u.project_id and t.id = u.id
       left join embeddings pe on pe.project_id = t.project_id and pe.trace_id = t.id and pe.kind = 'prompt' and pe.model_id = $3
       left join embeddings re on re.project_id = t.project_id and re.trace_id = t.id and re.kind = 'response' and re.model_id = $3`,
    // Only a judge reads the system prompt: without one the prompt's messages are not read.
    [traceKeys.map((c) => c.project_id), traceKeys.map((c) => c.trace_id), modelId ?? -1, evaluatorRows.some((e) => e.kind === "llm_judge")],
  );
  const evaluators = new Map(evaluatorRows.map((e) => [`${e.project_id}/${e.id}`, e]));
  const traces = new Map<string, LoadedTrace>(
    traceRows.map((t) => [`${t.project_id}/${t.id}`, { ...t, prompt_vector: parseVector(t.prompt_vector), response_vector: parseVector(t.response_vector) }]),
  );
  const prepared = new Map<string, PreparedEvaluator | Error>();
  const prepare = (e: EvaluatorRow) => {
    const key = `${e.project_id}/${e.id}/${e.version}`;
    if (!prepared.has(key)) {
      try {
        prepared.set(key, prepareEvaluator(e.kind, e.settings));
      } catch (error) {
        prepared.set(key, error instanceof Error ? error : new Error(String(error)));
      }
    }
    return prepared.get(key)!;
  };

  type Outcome =
    | { row: Claimed; kind: "scores"; scores: Array<{ name: string; value: number; comment: string | null }>; evaluator: EvaluatorRow; match: GoldenMatch | null }
    | { row: Claimed; kind: "wait"; delaySeconds?: number; release?: boolean }
    | { row: Claimed; kind: "skip" }
    | { row: Claimed; kind: "error"; message: string; final: boolean; retryAfterSeconds?: number | null; rawAnswer?: string | null };
  const judgeItems: Array<JudgeItem<{ row: Claimed; evaluator: EvaluatorRow; match: GoldenMatch | null }>> = [];
  const outcomes: Outcome[] = [];

  lap("load");
  // Golden-set matches, one query per dataset, for the traces that need one.
  const matchRequests = new Map<string, { projectId: string; datasetId: string; threshold: number; traces: LoadedTrace[] }>();
  for (const row of claimed) {
    const evaluator = evaluators.get(`${row.project_id}/${row.evaluator_id}`);
    const trace = traces.get(`${row.project_id}/${row.trace_id}`);
    if (!evaluator || !trace) continue;
    const ready = prepare(evaluator);
    if (ready instanceof Error || !ready.needsReference || !evaluator.dataset_id || trace.expected_output !== null) continue;
    const key = `${evaluator.project_id}/${evaluator.dataset_id}/${ready.settings.matchThreshold}`;
    const request = matchRequests.get(key) ?? { projectId: evaluator.project_id, datasetId: evaluator.dataset_id, threshold: ready.settings.matchThreshold, traces: [] };
    request.traces.push(trace);
    matchRequests.set(key, request);
  }
  const matches = new Map<string, GoldenMatch | null>();
  for (const [key, request] of matchRequests) {
    const found = await matchGoldenItems(handle, embedder, modelId, request);
    for (const [traceId, match] of found) matches.set(`${key}/${traceId}`, match);
  }

  lap("match");
  // Reference texts of the semantic evaluators, embedded in one call for the batch (the golden answers repeat).
  const referenceVectors = new Map<string, Float32Array | null>();
  if (embedder) {
    const wanted = new Set<string>();
    for (const row of claimed) {
      const evaluator = evaluators.get(`${row.project_id}/${row.evaluator_id}`);
      const trace = traces.get(`${row.project_id}/${row.trace_id}`);
      if (!evaluator || !trace) continue;
      const ready = prepare(evaluator);
      if (ready instanceof Error || !ready.needsEmbedder || !ready.needsReference) continue;
      const reference = trace.expected_output ?? matches.get(`${evaluator.project_id}/${evaluator.dataset_id}/${ready.settings.matchThreshold}/${trace.id}`)?.expectedOutput;
      if (reference) wanted.add(reference);
    }
    const cache = referenceVectorCache(embedder);
    for (const text of wanted) {
      const known = cache.get(text);
      if (known !== undefined) {
        referenceVectors.set(text, known);
        wanted.delete(text);
      }
    }
    if (wanted.size > 0) {
      const texts = [...wanted];
      const batch = await embedder.embedBatch(texts);
      texts.forEach((text, i) => {
        const vector = batch.empty[i] ? null : batch.vectors[i]!;
        referenceVectors.set(text, vector);
        if (cache.size >= REFERENCE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(text, vector);
      });
    }
  }

  lap("embed");
  for (const row of claimed) {
    const evaluator = evaluators.get(`${row.project_id}/${row.evaluator_id}`);
    const trace = traces.get(`${row.project_id}/${row.trace_id}`);
    const final = row.attempts >= MAX_EVAL_ATTEMPTS;
    if (!evaluator || !trace) {
      outcomes.push({ row, kind: "error", message: "the trace or the evaluator no longer exists", final: true });
      continue;
    }
    const ready = prepare(evaluator);
    if (ready instanceof Error) {
      outcomes.push({ row, kind: "error", message: ready.message, final: true });
      continue;
    }
    if ((ready.needsEmbedder || (ready.needsReference && evaluator.dataset_id && trace.expected_output === null)) && trace.waiting_embedding) {
      outcomes.push({ row, kind: "wait" });
      continue;
    }
    if (ready.needsEmbedder && !embedder) {
      outcomes.push({ row, kind: "error", message: "no embedding model is available in this process", final });
      continue;
    }
    let match: GoldenMatch | null = null;
    if (ready.needsReference && evaluator.dataset_id && trace.expected_output === null) {
      match = matches.get(`${evaluator.project_id}/${evaluator.dataset_id}/${ready.settings.matchThreshold}/${trace.id}`) ?? null;
    }
    if (ready.judge) {
      judgeItems.push({
        row: { row, evaluator, match },
        projectId: row.project_id,
        evaluatorId: evaluator.id,
        settings: ready.judge.settings,
        template: ready.judge.template,
        input: {
          question: trace.prompt_text,
          answer: trace.response_text,
          reference: trace.expected_output ?? match?.expectedOutput ?? null,
          contexts: (trace.contexts ?? []).flatMap((c) => (typeof c?.content === "string" ? [c.content] : [])),
          system: trace.system_text,
        },
      });
      continue;
    }
    try {
      const reference = trace.expected_output ?? match?.expectedOutput ?? null;
      const referenceVector = reference === null ? undefined : referenceVectors.get(reference);
      const results = await computeMetrics(
        ready.metrics,
        {
          prompt: trace.prompt_text,
          response: trace.response_text,
          reference,
          finishReason: trace.finish_reason,
          contexts: (trace.contexts ?? []).flatMap((c) => (typeof c?.content === "string" ? [c.content] : [])),
        },
        {
          embedder,
          vectors: {
            prompt: trace.prompt_vector,
            response: trace.response_vector,
            ...(referenceVector !== undefined && referenceVector !== null ? { reference: referenceVector } : {}),
          },
        },
      );
      const scores = Object.entries(results).flatMap(([metric, result]) =>
        !result || isSkipped(result) ? [] : [{ name: scoreName(evaluator.name, metric as MetricName), value: result.value, comment: null }],
      );
      outcomes.push({ row, kind: "scores", scores, evaluator, match });
    } catch (error) {
      outcomes.push({ row, kind: "error", message: error instanceof Error ? error.message : String(error), final });
    }
  }

  for (const { row, outcome } of await runJudgeItems(handle, judgeItems, { ...options, final: (r) => r.row.attempts >= MAX_EVAL_ATTEMPTS })) {
    const template = row.evaluator.settings as { template?: string };
    if (outcome.kind === "score") {
      outcomes.push({ row: row.row, kind: "scores", scores: [{ name: scoreName(row.evaluator.name, String(template.template)), value: outcome.value, comment: outcome.comment }], evaluator: row.evaluator, match: row.match });
    } else if (outcome.kind === "skip") {
      outcomes.push({ row: row.row, kind: "skip" });
    } else if (outcome.kind === "release") {
      outcomes.push({ row: row.row, kind: "wait", delaySeconds: outcome.delaySeconds, release: true });
    } else {
      outcomes.push({ row: row.row, kind: "error", message: outcome.message, final: outcome.final, retryAfterSeconds: outcome.retryAfterSeconds, rawAnswer: outcome.rawAnswer });
    }
  }

  lap("compute");
  await handle.db.transaction(async (tx) => {
    const scored = outcomes.filter((o): o is Extract<Outcome, { kind: "scores" }> => o.kind === "scores");
    const done = outcomes.filter((o) => o.kind === "scores" || o.kind === "skip");
    // In key order (uuids compare as their text; any one order for every worker keeps concurrent inserts from
    // deadlocking), sorted here: sorting in SQL compared the names by collation, a measurable part of the insert.
    const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const scoreRows = scored
      .flatMap((o) => o.scores.map((s) => ({ ...s, projectId: o.row.project_id, traceId: o.row.trace_id, evaluator: o.evaluator, match: o.match })))
      .sort((a, b) => byKey(a.projectId, b.projectId) || byKey(a.traceId, b.traceId) || byKey(a.name, b.name));
    if (scoreRows.length > 0) {
      const col = <T>(pick: (r: (typeof scoreRows)[number]) => T) => sql.param(scoreRows.map(pick));
      await tx.execute(sql`insert into scores (project_id, trace_id, name, source, value, comment, evaluator_id, evaluator_version, dataset_item_id, match_similarity)
        select u.project_id, u.trace_id, u.name, 'eval', u.value, u.comment, u.evaluator_id, u.evaluator_version, u.item_id, u.similarity
          from unnest(${col((r) => r.projectId)}::uuid[], ${col((r) => r.traceId)}::uuid[], ${col((r) => r.name)}::text[],
                      ${col((r) => r.value)}::float8[], ${col((r) => r.comment)}::text[], ${col((r) => r.evaluator.id)}::uuid[], ${col((r) => r.evaluator.version)}::int4[],
                      ${col((r) => r.match?.itemId ?? null)}::uuid[], ${col((r) => r.match?.similarity ?? null)}::float8[])
            with ordinality as u(project_id, trace_id, name, value, comment, evaluator_id, evaluator_version, item_id, similarity, ord)
         order by u.ord
        on conflict (project_id, trace_id, name, source) do nothing`);
    }
    if (done.length > 0) {
      await tx.execute(sql`delete from eval_backlog b using unnest(${sql.param(done.map((o) => o.row.project_id))}::uuid[],
          ${sql.param(done.map((o) => o.row.trace_id))}::uuid[], ${sql.param(done.map((o) => o.row.evaluator_id))}::uuid[]) as u(project_id, trace_id, evaluator_id)
        where b.project_id = u.project_id and b.trace_id = u.trace_id and b.evaluator_id = u.evaluator_id`);
    }
    const waits = outcomes.filter((o): o is Extract<Outcome, { kind: "wait" }> => o.kind === "wait");
    if (waits.length > 0) {
      const col = <T>(pick: (o: (typeof waits)[number]) => T) => sql.param(waits.map(pick));
      await tx.execute(sql`update eval_backlog b set locked_until = null, attempts = b.attempts - 1,
          next_attempt_at = now() + make_interval(secs => u.delay)
         from unnest(${col((o) => o.row.project_id)}::uuid[], ${col((o) => o.row.trace_id)}::uuid[],
                     ${col((o) => o.row.evaluator_id)}::uuid[], ${col((o) => o.delaySeconds ?? EMBEDDING_WAIT_SECONDS)}::float8[])
           as u(project_id, trace_id, evaluator_id, delay)
        where b.project_id = u.project_id and b.trace_id = u.trace_id and b.evaluator_id = u.evaluator_id`);
    }
    const errors = outcomes.filter((o): o is Extract<Outcome, { kind: "error" }> => o.kind === "error");
    if (errors.length > 0) {
      const col = <T>(pick: (o: (typeof errors)[number]) => T) => sql.param(errors.map(pick));
      // A judge's unreadable answer is kept for debugging (rawAnswer); errors that carry none keep what is there.
      await tx.execute(sql`update eval_backlog b set locked_until = null, last_error = u.message,
          last_answer = case when u.keep_answer then b.last_answer else u.answer end,
          next_attempt_at = now() + make_interval(secs => u.delay), failed_at = case when u.final then now() end
         from unnest(${col((o) => o.row.project_id)}::uuid[], ${col((o) => o.row.trace_id)}::uuid[], ${col((o) => o.row.evaluator_id)}::uuid[],
                     ${col((o) => `attempt ${o.row.attempts}: ${o.message}`.slice(0, 2000))}::text[],
                     ${col((o) => Math.max(retryDelaySeconds(o.row.attempts), o.retryAfterSeconds ?? 0))}::float8[], ${col((o) => o.final)}::bool[],
                     ${col((o) => o.rawAnswer === undefined)}::bool[], ${col((o) => (typeof o.rawAnswer === "string" ? o.rawAnswer.slice(0, MAX_RAW_ANSWER_CHARS) : null))}::text[])
           as u(project_id, trace_id, evaluator_id, message, delay, final, keep_answer, answer)
        where b.project_id = u.project_id and b.trace_id = u.trace_id and b.evaluator_id = u.evaluator_id`);
    }
    stats.scored = done.length;
    stats.scores = scoreRows.length;
  });
  for (const o of outcomes) {
    if (o.kind === "wait" && o.release) stats.released++;
    else if (o.kind === "wait") stats.waiting++;
    else if (o.kind === "skip") stats.skipped++;
    else if (o.kind === "error" && o.final) stats.failed++;
    else if (o.kind === "error") stats.retried++;
  }
  lap("write");
  return stats;
}

/** Runs batches until nothing is due (or `maxBatches` ran), reporting progress after each. */
export async function drainEvalBacklog(
  handle: DatabaseHandle,
  embedder: Embedder | null,
  options: { batchSize?: number; maxBatches?: number; phases?: EvalPhaseTimes; onBatch?: (stats: EvalBatchStats) => void } & JudgeRunOptions = {},
): Promise<EvalBatchStats> {
  const total: EvalBatchStats = { arrived: 0, claimed: 0, scored: 0, scores: 0, skipped: 0, waiting: 0, released: 0, retried: 0, failed: 0 };
  for (let i = 0; i < (options.maxBatches ?? Infinity); i++) {
    const stats = await runEvalBatch(handle, embedder, { batchSize: options.batchSize, phases: options.phases, now: options.now, transport: options.transport, sleep: options.sleep });
    if (stats.claimed === 0 && stats.arrived === 0) break;
    for (const key of Object.keys(total) as Array<keyof EvalBatchStats>) total[key] += stats[key];
    options.onBatch?.(stats);
    if (stats.arrived === 0 && stats.scored + stats.failed === 0) break; // everything waits or retries later
  }
  return total;
}
