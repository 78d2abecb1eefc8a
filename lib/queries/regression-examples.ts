import "server-only";
import type { DatabaseHandle } from "@/db/client";
import { nearestTraces } from "@/db/nearest-traces";
import type { VersionChangeView } from "./monitors-version-changes";

export type ExampleSide = { traceId: string; startedAt: string; version: string; prompt: string; response: string };
export type RegressionExample = { before: ExampleSide; after: ExampleSide; promptSimilarity: number; responseDistance: number };
export type RegressionExamples = {
  /** The bounded rule these pairs were found by, shown under them. */
  rule: string;
  embeddingModel: string | null;
  examined: number;
  matched: number;
  pairs: RegressionExample[];
};

const SPAN_MS = 7 * 86_400_000;

export const EXAMPLE_SETTINGS = { queries: 40, neighbours: 20, similarity: 0.9, limit: 6 } as const;

/**
 * The prompt pairs of a version change whose answers moved the most. The
 * comparison stores only the distribution of response distances, so the
 * pairs are found here, bounded:
 *
 * - up to `queries` (40) traces of the new version from the week after the
 *   switch, in the uniform md5(external_id) sample order used everywhere;
 * - for each, its `neighbours` (20) nearest prompts by pgvector
 *   (`nearestTraces`, one HNSW query each), keeping the nearest one answered
 *   by the old version in the week before the switch with cosine similarity
 *   ≥ `similarity` (0.9) — the same question asked of both versions;
 * - the pairs are ranked by the cosine distance of their two responses and
 *   the `limit` (6) largest are returned.
 *
 * At most 41 indexed queries per call, whatever the volume.
 */
export async function regressionExamples(
  handle: DatabaseHandle,
  projectId: string,
  change: Pick<VersionChangeView, "provider" | "model" | "fromVersion" | "toVersion" | "firstSeenNewAt">,
  settings: { queries: number; neighbours: number; similarity: number; limit: number } = EXAMPLE_SETTINGS,
): Promise<RegressionExamples> {
  const rule =
    `Up to ${settings.queries} answers of ${change.toVersion} from the week after the switch (uniform sample), each paired with ` +
    `the nearest of its ${settings.neighbours} nearest prompts answered by ${change.fromVersion} in the week before, at prompt similarity ≥ ${settings.similarity}; ` +
    `ranked by the cosine distance of the two responses.`;
  const at = new Date(change.firstSeenNewAt);
  const afterEnd = new Date(at.getTime() + SPAN_MS).toISOString();
  const beforeStart = new Date(at.getTime() - SPAN_MS).toISOString();
  const pair = [projectId, change.provider ?? "", change.model ?? ""];
  const [model] = await handle.query<{ id: number; dimensions: number; name: string }>(
    `select m.id, m.dimensions, m.name from embeddings e
       join traces t on t.project_id = e.project_id and t.id = e.trace_id
       join embedding_models m on m.id = e.model_id
      where e.project_id = $1 and e.kind = 'prompt' and coalesce(t.provider, '') = $2 and coalesce(t.model, '') = $3
        and t.model_version = $4 and e.started_at >= $5 and e.started_at < $6
      group by m.id, m.dimensions, m.name order by count(*) desc, m.id limit 1`,
    [...pair, change.toVersion, at.toISOString(), afterEnd],
  );
  if (!model) return { rule, embeddingModel: null, examined: 0, matched: 0, pairs: [] };
  const dims = Number(model.dimensions);
  const modelRef = { id: Number(model.id), dimensions: dims };
  const queries = await handle.query<{ id: string; v: string }>(
    `select t.id, e.embedding::text as v from traces t
       join embeddings e on e.project_id = t.project_id and e.trace_id = t.id and e.kind = 'prompt' and e.model_id = $7
      where t.project_id = $1 and coalesce(t.provider, '') = $2 and coalesce(t.model, '') = $3 and t.model_version = $4
        and t.started_at >= $5 and t.started_at < $6
      order by md5(t.external_id) limit $8`,
    [...pair, change.toVersion, at.toISOString(), afterEnd, modelRef.id, settings.queries],
  );
  const a: string[] = [];
  const b: string[] = [];
  const sim: number[] = [];
  const q: number[] = [];
  for (const [qi, row] of queries.entries()) {
    const vector = JSON.parse(row.v) as number[];
    const near = await nearestTraces(handle, { projectId, model: modelRef, kind: "prompt", vector, k: settings.neighbours, excludeTraceId: row.id });
    for (const n of near) {
      if (1 - n.distance < settings.similarity) break;
      a.push(row.id);
      b.push(n.traceId);
      sim.push(1 - n.distance);
      q.push(qi);
    }
  }
  if (a.length === 0) return { rule, embeddingModel: model.name, examined: queries.length, matched: 0, pairs: [] };
  const cast = `vector(${dims})`;
  const rows = await handle.query<{
    i: number | string;
    d: number | string;
    a_started: Date | string;
    a_prompt: string | null;
    a_response: string | null;
    b_started: Date | string;
    b_prompt: string | null;
    b_response: string | null;
  }>(
    `select p.i, (ea.embedding::${cast} <=> eb.embedding::${cast}) as d,
            ta.started_at as a_started, ta.prompt_text as a_prompt, ta.response_text as a_response,
            tb.started_at as b_started, tb.prompt_text as b_prompt, tb.response_text as b_response
       from unnest($1::uuid[], $2::uuid[]) with ordinality as p(a, b, i)
       join traces tb on tb.project_id = $3 and tb.id = p.b
       join traces ta on ta.project_id = $3 and ta.id = p.a
       join embeddings ea on ea.project_id = $3 and ea.trace_id = p.a and ea.kind = 'response' and ea.model_id = $4
       join embeddings eb on eb.project_id = $3 and eb.trace_id = p.b and eb.kind = 'response' and eb.model_id = $4
      where coalesce(tb.provider, '') = $5 and coalesce(tb.model, '') = $6 and tb.model_version = $7
        and tb.started_at >= $8 and tb.started_at < $9
      order by p.i`,
    [a, b, projectId, modelRef.id, change.provider ?? "", change.model ?? "", change.fromVersion, beforeStart, at.toISOString()],
  );
  // Rows come in neighbour order: the first qualifying row of a query is its nearest old-version twin.
  const seen = new Set<number>();
  const pairs: RegressionExample[] = [];
  const iso = (d: Date | string) => new Date(d).toISOString();
  for (const r of rows) {
    const idx = Number(r.i) - 1;
    const query = q[idx]!;
    if (seen.has(query)) continue;
    seen.add(query);
    pairs.push({
      before: { traceId: b[idx]!, startedAt: iso(r.b_started), version: change.fromVersion, prompt: r.b_prompt ?? "", response: r.b_response ?? "" },
      after: { traceId: a[idx]!, startedAt: iso(r.a_started), version: change.toVersion, prompt: r.a_prompt ?? "", response: r.a_response ?? "" },
      promptSimilarity: sim[idx]!,
      responseDistance: Number(r.d),
    });
  }
  pairs.sort((x, y) => y.responseDistance - x.responseDistance);
  return { rule, embeddingModel: model.name, examined: queries.length, matched: pairs.length, pairs: pairs.slice(0, settings.limit) };
}
