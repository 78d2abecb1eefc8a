import type { Database } from "@/db/client";
import { sql } from "drizzle-orm";

export type EvaluatorView = {
  id: string;
  name: string;
  kind: "ngram" | "semantic" | "heuristic" | "llm_judge";
  settings: Record<string, unknown>;
  version: number;
  segment: Record<string, unknown>;
  sampleRate: number;
  datasetId: string | null;
  threshold: number | null;
  paused: boolean;
  pausedReason: string | null;
  /** When an evaluator paused itself (a judge's daily cap), when the evaluation job enables it again. */
  pausedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  /** Traces waiting for it (retries included), given up, and the last reason one was given up or retried. */
  backlog: { pending: number; failed: number; lastError: string | null };
  /** Score names it writes: `<name>.<metric>`. */
  scoreNames: string[];
  /** Traces it scored, and when last. */
  scored: { traces: number; lastAt: string | null };
  /** An llm_judge's calls and estimated cost today (UTC), against its daily caps; null for the other kinds. */
  judgeToday: { calls: number; costUsd: number; unpricedCalls: number } | null;
};

type Row = {
  id: string;
  name: string;
  kind: EvaluatorView["kind"];
  settings: Record<string, unknown>;
  version: number;
  segment: Record<string, unknown>;
  sample_rate: number;
  dataset_id: string | null;
  threshold: number | null;
  status: string;
  paused_reason: string | null;
  paused_until: string | Date | null;
  created_at: string | Date;
  updated_at: string | Date;
  pending: number;
  failed: number;
  last_error: string | null;
  scored_traces: number;
  last_scored_at: string | Date | null;
  judge_calls: number | null;
  judge_cost: number | null;
  judge_unpriced: number | null;
};

const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());

function view(r: Row): EvaluatorView {
  // An llm_judge writes one score, named after its template; the other kinds one per metric.
  const metrics =
    r.kind === "llm_judge"
      ? typeof r.settings.template === "string"
        ? [r.settings.template]
        : []
      : Array.isArray(r.settings.metrics)
        ? (r.settings.metrics as string[])
        : [];
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    settings: r.settings,
    version: r.version,
    segment: r.segment,
    sampleRate: Number(r.sample_rate),
    datasetId: r.dataset_id,
    threshold: r.threshold === null ? null : Number(r.threshold),
    paused: r.status === "paused",
    pausedReason: r.paused_reason,
    pausedUntil: iso(r.paused_until),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    backlog: { pending: Number(r.pending), failed: Number(r.failed), lastError: r.last_error },
    scoreNames: metrics.map((m) => `${r.name}.${m}`),
    scored: { traces: Number(r.scored_traces), lastAt: iso(r.last_scored_at) },
    judgeToday: r.kind === "llm_judge" ? { calls: Number(r.judge_calls ?? 0), costUsd: Number(r.judge_cost ?? 0), unpricedCalls: Number(r.judge_unpriced ?? 0) } : null,
  };
}

async function select(db: Database, projectId: string, evaluatorId: string | null): Promise<EvaluatorView[]> {
  const result = await db.execute(sql`
    select e.id, e.name, e.kind, e.settings, e.version, e.segment, e.sample_rate, e.dataset_id, e.threshold, e.status,
           e.paused_reason, e.paused_until, e.created_at, e.updated_at,
           coalesce(b.pending, 0)::int as pending, coalesce(b.failed, 0)::int as failed, b.last_error,
           coalesce(s.traces, 0)::int as scored_traces, s.last_at as last_scored_at,
           u.calls as judge_calls, u.cost_usd as judge_cost, u.unpriced_calls as judge_unpriced
      from evaluators e
      left join judge_usage u on u.project_id = e.project_id and u.evaluator_id = e.id::text and u.day = (now() at time zone 'UTC')::date
      left join lateral (
        select count(*) filter (where failed_at is null) as pending, count(*) filter (where failed_at is not null) as failed,
               (array_agg(last_error order by next_attempt_at desc) filter (where last_error is not null))[1] as last_error
          from eval_backlog where project_id = e.project_id and evaluator_id = e.id) b on true
      left join lateral (
        select count(distinct trace_id) as traces, max(created_at) as last_at
          from scores where project_id = e.project_id and evaluator_id = e.id) s on true
     where e.project_id = ${projectId}::uuid ${evaluatorId ? sql`and e.id = ${evaluatorId}::uuid` : sql``}
     order by e.created_at, e.name`);
  return (result as unknown as { rows: Row[] }).rows.map(view);
}

export function listEvaluators(db: Database, projectId: string): Promise<EvaluatorView[]> {
  return select(db, projectId, null);
}

export async function getEvaluator(db: Database, projectId: string, evaluatorId: string): Promise<EvaluatorView | null> {
  return (await select(db, projectId, evaluatorId))[0] ?? null;
}

/**
 * `pending`/`failed`: (trace, evaluator) rows waiting or given up; `arriving`: new traces not yet queued for
 * the evaluators (the job queues them within seconds, lib/jobs/eval-arrivals.ts).
 */
export type EvaluationBacklog = { pending: number; failed: number; arriving: number; oldestPendingSeconds: number | null };

/** Traces waiting for the project's evaluators, like the embedding backlog. */
export async function getEvaluationBacklog(db: Database, projectId: string): Promise<EvaluationBacklog> {
  const result = await db.execute(sql`
    select count(*) filter (where failed_at is null)::int as pending, count(*) filter (where failed_at is not null)::int as failed,
           extract(epoch from now() - min(created_at) filter (where failed_at is null))::float8 as oldest,
           (select count(*) from trace_keys k where k.project_id = ${projectId}::uuid and k.eval_pending)::int as arriving
      from eval_backlog where project_id = ${projectId}::uuid`);
  const row = (result as unknown as { rows: Array<{ pending: number; failed: number; arriving: number; oldest: number | null }> }).rows[0];
  return {
    pending: Number(row?.pending ?? 0),
    failed: Number(row?.failed ?? 0),
    arriving: Number(row?.arriving ?? 0),
    oldestPendingSeconds: row?.oldest == null ? null : Number(row.oldest),
  };
}

export type EvaluatorSeries = {
  /** Per metric score: mean per day and group (model, route or model version). */
  daily: Array<{ day: string; score: string; group: string; mean: number; count: number }>;
  /** Per metric score: a 10-bin histogram of values on [0, 1] (count metrics are left out). */
  histogram: Array<{ score: string; bin: number; count: number }>;
  /** The lowest-scoring traces, with their golden item and the texts to compare. */
  worst: Array<{
    traceId: string;
    score: string;
    value: number;
    model: string | null;
    startedAt: string;
    prompt: string | null;
    response: string | null;
    expected: string | null;
    datasetItemId: string | null;
    matchSimilarity: number | null;
    /** The evaluator's note: an LLM judge's reasoning. */
    comment: string | null;
  }>;
};

const GROUPS = { model: "t.model", route: "t.route", version: "coalesce(t.model_version, t.model)" } as const;
export type SeriesGroup = keyof typeof GROUPS;

/** What the Evaluations page charts for one evaluator over [from, to). */
export async function getEvaluatorSeries(
  db: Database,
  projectId: string,
  evaluatorId: string,
  options: { from: Date; to: Date; groupBy: SeriesGroup; worst?: number },
): Promise<EvaluatorSeries> {
  const range = sql`s.project_id = ${projectId}::uuid and s.evaluator_id = ${evaluatorId}::uuid
    and t.started_at >= ${options.from.toISOString()}::timestamptz and t.started_at < ${options.to.toISOString()}::timestamptz`;
  const daily = await db.execute(sql`
    select to_char(date_trunc('day', t.started_at at time zone 'UTC'), 'YYYY-MM-DD') as day, s.name as score,
           coalesce(${sql.raw(GROUPS[options.groupBy])}, '(none)') as "group", avg(s.value)::float8 as mean, count(*)::int as count
      from scores s join traces t on t.project_id = s.project_id and t.id = s.trace_id
     where ${range}
     group by 1, 2, 3 order by 1, 2, 3`);
  const histogram = await db.execute(sql`
    select s.name as score, least(9, floor(s.value * 10))::int as bin, count(*)::int as count
      from scores s join traces t on t.project_id = s.project_id and t.id = s.trace_id
     where ${range} and s.value between 0 and 1
     group by 1, 2 order by 1, 2`);
  const worst = await db.execute(sql`
    select s.trace_id, s.name as score, s.value, t.model, t.started_at, left(t.prompt_text, 2000) as prompt,
           left(t.response_text, 4000) as response, left(coalesce(t.expected_output, d.expected_output), 4000) as expected,
           s.dataset_item_id, s.match_similarity, left(s.comment, 4000) as comment
      from scores s join traces t on t.project_id = s.project_id and t.id = s.trace_id
      left join dataset_items d on d.project_id = s.project_id and d.id = s.dataset_item_id
     where ${range}
     order by s.value, t.started_at desc
     limit ${options.worst ?? 10}`);
  type WorstRow = { trace_id: string; score: string; value: number; model: string | null; started_at: string | Date; prompt: string | null; response: string | null; expected: string | null; dataset_item_id: string | null; match_similarity: number | null; comment: string | null };
  return {
    daily: (daily as unknown as { rows: EvaluatorSeries["daily"] }).rows.map((r) => ({ ...r, mean: Number(r.mean), count: Number(r.count) })),
    histogram: (histogram as unknown as { rows: EvaluatorSeries["histogram"] }).rows.map((r) => ({ ...r, bin: Number(r.bin), count: Number(r.count) })),
    worst: (worst as unknown as { rows: WorstRow[] }).rows.map((r) => ({
      traceId: r.trace_id,
      score: r.score,
      value: Number(r.value),
      model: r.model,
      startedAt: new Date(r.started_at).toISOString(),
      prompt: r.prompt,
      response: r.response,
      expected: r.expected,
      datasetItemId: r.dataset_item_id,
      matchSimilarity: r.match_similarity === null ? null : Number(r.match_similarity),
      comment: r.comment,
    })),
  };
}

export type TraceEvaluation = {
  score: string;
  value: number;
  evaluator: string | null;
  evaluatorId: string | null;
  version: number | null;
  /** The golden item the trace was matched to, with the cosine of the match (1 for an exact match). */
  item: { id: string; input: string; expectedOutput: string; dataset: string | null } | null;
  similarity: number | null;
  /** The evaluator's note: an LLM judge's reasoning. */
  comment: string | null;
  createdAt: string;
};

/** A trace's evaluator scores with their evaluator, version and golden item, for the trace page. */
export async function getTraceEvaluations(db: Database, projectId: string, traceId: string): Promise<TraceEvaluation[]> {
  const result = await db.execute(sql`
    select s.name, s.value, s.evaluator_id, s.evaluator_version, s.match_similarity, s.comment, s.created_at, e.name as evaluator,
           i.id as item_id, i.input, i.expected_output, d.name as dataset
      from scores s
      left join evaluators e on e.project_id = s.project_id and e.id = s.evaluator_id
      left join dataset_items i on i.project_id = s.project_id and i.id = s.dataset_item_id
      left join datasets d on d.project_id = i.project_id and d.id = i.dataset_id
     where s.project_id = ${projectId}::uuid and s.trace_id = ${traceId}::uuid and s.evaluator_id is not null
     order by s.name`);
  type Row = { name: string; value: number; evaluator_id: string | null; evaluator_version: number | null; match_similarity: number | null; comment: string | null; created_at: string | Date; evaluator: string | null; item_id: string | null; input: string | null; expected_output: string | null; dataset: string | null };
  return (result as unknown as { rows: Row[] }).rows.map((r) => ({
    score: r.name,
    value: Number(r.value),
    evaluator: r.evaluator,
    evaluatorId: r.evaluator_id,
    version: r.evaluator_version === null ? null : Number(r.evaluator_version),
    item: r.item_id ? { id: r.item_id, input: r.input!, expectedOutput: r.expected_output!, dataset: r.dataset } : null,
    similarity: r.match_similarity === null ? null : Number(r.match_similarity),
    comment: r.comment,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
