import type { DatabaseHandle } from "./client";

/**
 * Registers an embedding model and makes sure its partial HNSW index exists.
 *
 * All models share the `embeddings` table and its dimensionless `vector`
 * column; each model gets an expression index over `embedding::vector(dims)`
 * restricted to its own rows, so two models' vectors never meet in one index
 * and a kNN query names the model (and so the index) it searches.
 */
export async function ensureEmbeddingModel(
  handle: DatabaseHandle,
  name: string,
  dimensions: number,
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
  // Both numbers come from our own table, never from a caller's text.
  await handle.query(
    `create index if not exists embeddings_hnsw_model_${row.id} on embeddings ` +
      `using hnsw ((embedding::vector(${row.dimensions})) vector_cosine_ops) where model_id = ${row.id}`,
  );
  return { id: row.id, dimensions: row.dimensions };
}
