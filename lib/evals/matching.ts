import type { DatabaseHandle } from "@/db/client";
import type { Embedder } from "@/lib/embeddings";

/** The golden item a trace was matched to: its expected output is the trace's reference. */
export type GoldenMatch = { itemId: string; expectedOutput: string; similarity: number; exact: boolean };

type TraceForMatch = { id: string; prompt_text: string | null; prompt_vector: string | null };

const normalize = (text: string) => text.trim().replace(/\s+/g, " ");
const literal = (v: ArrayLike<number>) => `[${Array.from(v).join(",")}]`;

/**
 * Matches traces to a golden set: a trace whose prompt equals an item's input
 * (trimmed, runs of white space as one) takes that item, similarity 1 — an
 * exact match always wins; otherwise the item whose input embedding is
 * nearest the prompt's (pgvector cosine), when the cosine reaches
 * `threshold`. Items are embedded with `embedder` on first use (and again
 * when the model changes); a trace's prompt vector is the stored one, or
 * embedded here when it has none. Without an embedder only exact matches
 * count. Returns, per trace id, the match or null.
 */
export async function matchGoldenItems(
  handle: DatabaseHandle,
  embedder: Embedder | null,
  modelId: number | null,
  request: { projectId: string; datasetId: string; threshold: number; traces: TraceForMatch[] },
): Promise<Map<string, GoldenMatch | null>> {
  const { projectId, datasetId, threshold } = request;
  const out = new Map<string, GoldenMatch | null>();
  const items = await handle.query<{ id: string; input: string; expected_output: string; embedded: boolean }>(
    `select id, input, expected_output, (embedding is not null and embedding_model_id = $3) as embedded
       from dataset_items where project_id = $1 and dataset_id = $2`,
    [projectId, datasetId, modelId ?? -1],
  );
  const exact = new Map<string, (typeof items)[number]>();
  for (const item of items) if (!exact.has(normalize(item.input))) exact.set(normalize(item.input), item);

  const rest: TraceForMatch[] = [];
  for (const trace of request.traces) {
    const hit = trace.prompt_text === null ? undefined : exact.get(normalize(trace.prompt_text));
    if (hit) out.set(trace.id, { itemId: hit.id, expectedOutput: hit.expected_output, similarity: 1, exact: true });
    else if (trace.prompt_text === null || trace.prompt_text.trim() === "" || !embedder || modelId === null) out.set(trace.id, null);
    else rest.push(trace);
  }
  if (rest.length === 0 || !embedder || modelId === null) return out;

  const unembedded = items.filter((i) => !i.embedded);
  if (unembedded.length > 0) {
    const batch = await embedder.embedBatch(unembedded.map((i) => i.input));
    const keep = unembedded.map((item, k) => ({ item, vector: batch.empty[k] ? null : batch.vectors[k]! }));
    await handle.query(
      `update dataset_items d set embedding = u.v::vector, embedding_model_id = $4
         from unnest($2::uuid[], $3::text[]) as u(id, v)
        where d.project_id = $1 and d.id = u.id`,
      [projectId, keep.map((k) => k.item.id), keep.map((k) => (k.vector ? literal(k.vector) : null)), modelId],
    );
  }
  const missing = rest.filter((t) => !t.prompt_vector);
  if (missing.length > 0) {
    const batch = await embedder.embedBatch(missing.map((t) => t.prompt_text!));
    missing.forEach((t, k) => {
      t.prompt_vector = batch.empty[k] ? null : literal(batch.vectors[k]!);
    });
  }
  const queries = rest.filter((t) => t.prompt_vector);
  for (const t of rest) if (!t.prompt_vector) out.set(t.id, null);
  if (queries.length === 0) return out;
  const nearest = await handle.query<{ trace_id: string; item_id: string | null; expected_output: string | null; similarity: number | null }>(
    `select q.trace_id, m.id as item_id, m.expected_output, m.similarity
       from unnest($3::text[], $4::text[]::vector[]) as q(trace_id, v)
       left join lateral (
         select d.id, d.expected_output, 1 - (d.embedding <=> q.v) as similarity
           from dataset_items d
          where d.project_id = $1 and d.dataset_id = $2 and d.embedding_model_id = $5 and d.embedding is not null
          order by d.embedding <=> q.v
          limit 1) m on true`,
    [projectId, datasetId, queries.map((t) => t.id), queries.map((t) => t.prompt_vector), modelId],
  );
  for (const row of nearest) {
    const similarity = row.similarity === null ? null : Number(row.similarity);
    out.set(
      row.trace_id,
      row.item_id && similarity !== null && similarity >= threshold
        ? { itemId: row.item_id, expectedOutput: row.expected_output!, similarity, exact: false }
        : null,
    );
  }
  return out;
}
