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
  // One index per model and text kind: a prompt search never wades through
  // response vectors (better recall at the same ef_search, and faster). Both
  // numbers come from our own table, never from a caller's text.
  for (const kind of ["prompt", "response"] as const) {
    await handle.query(
      `create index if not exists ${embeddingIndexName(row.id, kind)} on embeddings ` +
        `using hnsw ((embedding::vector(${row.dimensions})) vector_cosine_ops) ` +
        `where model_id = ${row.id} and kind = '${kind}'`,
    );
  }
  return { id: row.id, dimensions: row.dimensions };
}

export function embeddingIndexName(modelId: number, kind: "prompt" | "response"): string {
  return `embeddings_hnsw_model_${modelId}_${kind}`;
}
