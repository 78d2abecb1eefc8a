import { SAMPLE_SQL } from "@/lib/evals/evaluator";

/**
 * Whether evaluator `e` takes trace `t` (SQL over the aliases given): the
 * trace is in its segment (model, route, provider equal when set; every tag
 * of the segment among the trace's) and in its sample (a stable hash of the
 * client's trace id and the evaluator's id below `sample_rate`). The ingest
 * statement and a backfill use this one condition.
 */
export function EVALUATOR_MATCHES_TRACE(e: string, t: string): string {
  return `(${e}.segment->>'model' is null or ${e}.segment->>'model' = ${t}.model)
      and (${e}.segment->>'route' is null or ${e}.segment->>'route' = ${t}.route)
      and (${e}.segment->>'provider' is null or ${e}.segment->>'provider' = ${t}.provider)
      and (${e}.segment->'tags' is null or ${t}.tags @> array(select jsonb_array_elements_text(${e}.segment->'tags')))
      and ${SAMPLE_SQL(`${t}.external_id`, `${e}.id`)} < ${e}.sample_rate`;
}
