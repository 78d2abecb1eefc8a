import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { ensureEmbeddingIndexes, ensureEmbeddingModel } from "@/db/embedding-index";
import type { Embedder } from "@/lib/embeddings";

export type BackfillProgress = { done: number; total: number; embedded: number; skipped: number };

type Row = { project_id: string; id: string; text: string; started_at: Date | string };

/**
 * Embeds every stored prompt and response that has no vector of this model
 * yet — history after a model change, or after `EMBEDDING_MODEL` is set. Walks
 * traces in key order, so it resumes where it stopped when run again and
 * never embeds a text twice (existing vectors are skipped by the query and by
 * the insert).
 */
export async function backfillEmbeddings(
  handle: DatabaseHandle,
  embedder: Embedder,
  options: { projectId?: string; batchSize?: number; onProgress?: (p: BackfillProgress) => void } = {},
): Promise<BackfillProgress> {
  const model = await ensureEmbeddingModel(handle, embedder.modelId, embedder.dimensions, { index: false });
  const batchSize = options.batchSize ?? 64;
  const kinds = [
    { kind: "prompt", column: "prompt_text" },
    { kind: "response", column: "response_text" },
  ] as const;
  const projectFilter = options.projectId ? "and t.project_id = $2" : "";
  const countArgs: unknown[] = [model.id];
  if (options.projectId) countArgs.push(options.projectId);

  let total = 0;
  for (const { kind, column } of kinds) {
    const [row] = await handle.query<{ n: number }>(
      `select count(*)::int as n from traces t
        where t.${column} is not null and btrim(t.${column}) <> '' ${projectFilter}
          and not exists (select 1 from embeddings e where e.project_id = t.project_id and e.trace_id = t.id
                          and e.kind = '${kind}' and e.model_id = $1)`,
      countArgs,
    );
    total += Number(row?.n ?? 0);
  }
  const progress: BackfillProgress = { done: 0, total, embedded: 0, skipped: 0 };
  options.onProgress?.(progress);

  for (const { kind, column } of kinds) {
    let after: { projectId: string; id: string } | null = null;
    for (;;) {
      const args: unknown[] = [model.id, options.projectId ?? null, after?.projectId ?? null, after?.id ?? null, batchSize];
      const rows: Row[] = await handle.query<Row>(
        `select t.project_id, t.id, t.${column} as text, t.started_at from traces t
          where t.${column} is not null and btrim(t.${column}) <> ''
            and ($2::uuid is null or t.project_id = $2)
            and ($3::uuid is null or (t.project_id, t.id) > ($3::uuid, $4::uuid))
            and not exists (select 1 from embeddings e where e.project_id = t.project_id and e.trace_id = t.id
                            and e.kind = '${kind}' and e.model_id = $1)
          order by t.project_id, t.id
          limit $5`,
        args,
      );
      if (rows.length === 0) break;
      const last = rows[rows.length - 1]!;
      after = { projectId: last.project_id, id: last.id };
      const result = await embedder.embedBatch(rows.map((r) => r.text));
      const stored = rows.map((r, i) => ({ r, i })).filter(({ i }) => !result.empty[i]);
      if (stored.length > 0) {
        await handle.db.execute(sql`insert into embeddings (project_id, trace_id, kind, model_id, embedding, truncated, started_at)
          values ${sql.join(
            stored.map(
              ({ r, i }) =>
                sql`(${r.project_id}, ${r.id}, ${kind}, ${model.id}, ${`[${Array.from(result.vectors[i]!).join(",")}]`}::vector, ${result.truncated[i] ?? false}, ${new Date(r.started_at).toISOString()})`,
            ),
            sql`, `,
          )}
          on conflict do nothing`);
      }
      progress.done += rows.length;
      progress.embedded += stored.length;
      progress.skipped += rows.length - stored.length;
      options.onProgress?.(progress);
    }
  }
  await ensureEmbeddingIndexes(handle, model);
  return progress;
}
