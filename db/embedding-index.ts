import type { DatabaseHandle } from "./client";

/**
 * Registers an embedding model and makes sure its partial HNSW indexes exist.
 *
 * All models share the `embeddings` table and its dimensionless `vector`
 * column; each model gets an expression index over `embedding::vector(dims)`
 * restricted to its own rows (one per text kind), so two models' vectors never
 * meet in one index and a kNN query names the model and kind (and so the
 * index) it searches.
 */
export async function ensureEmbeddingModel(
  handle: DatabaseHandle,
  name: string,
  dimensions: number,
  options: { index?: boolean } = {},
): Promise<{ id: number; dimensions: number }> {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 2000) {
    throw new Error(`embedding dimensions must be an integer in 1..2000 (HNSW limit), got ${dimensions}`);
  }
  await handle.query(
    "insert into embedding_models (name, dimensions) values ($1, $2) on conflict (name) do nothing",
    [name, dimensions],
  );
  const [row] = await handle.query<{ id: number; dimensions: number }>(
    "select id, dimensions from embedding_models where name = $1",
    [name],
  );
  if (!row) throw new Error(`embedding model ${name} could not be registered`);
  if (row.dimensions !== dimensions) {
    throw new Error(`embedding model ${name} is registered with ${row.dimensions} dimensions, not ${dimensions}`);
  }
  const model = { id: row.id, dimensions: row.dimensions };
  if (options.index ?? true) await ensureEmbeddingIndexes(handle, model);
  return { id: row.id, dimensions: row.dimensions };
}

/**
 * Builds the model's HNSW indexes if they are missing: one per text kind, so a
 * prompt search never wades through response vectors (better recall at the
 * same ef_search, and faster). The embedding job calls this once its backlog
 * is drained rather than at the first vector: building an index over a bulk
 * of vectors is several times faster than growing it one insert at a time
 * (measured on PGlite: 24 s vs 143 s for 18,000 vectors). Until then kNN
 * queries are exact scans — slower, never wrong.
 */
export async function ensureEmbeddingIndexes(handle: DatabaseHandle, model: { id: number; dimensions: number }): Promise<string[]> {
  const created: string[] = [];
  for (const kind of ["prompt", "response"] as const) {
    const name = embeddingIndexName(model.id, kind);
    const [existing] = await handle.query<{ valid: boolean }>(
      "select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = $1",
      [name],
    );
    if (existing?.valid) continue;
    // A concurrent build that failed leaves an invalid index behind: rebuild it.
    if (existing) await handle.query(`drop index if exists ${name}`);
    // On the server, build without blocking ingest; PGlite has one connection anyway.
    const concurrently = handle.driver === "postgres" ? "concurrently " : "";
    // Both numbers come from our own table, never from a caller's text.
    await handle.query(
      `create index ${concurrently}if not exists ${name} on embeddings ` +
        `using hnsw ((embedding::vector(${model.dimensions})) vector_cosine_ops) ` +
        `where model_id = ${model.id} and kind = '${kind}'`,
    );
    created.push(name);
  }
  return created;
}

export function embeddingIndexName(modelId: number, kind: "prompt" | "response"): string {
  return `embeddings_hnsw_model_${modelId}_${kind}`;
}
