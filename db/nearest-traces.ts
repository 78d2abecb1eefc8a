import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";

export type NearestTrace = { traceId: string; distance: number };

/**
 * k nearest traces by cosine distance among one project's embeddings of one
 * model and one text kind, through that model's HNSW index.
 *
 * The index covers every project, so the search runs with pgvector's
 * iterative scan: it keeps walking the graph until k rows of this project
 * are found instead of returning fewer. `efSearch` widens the candidate list
 * (pgvector's default of 40 can miss an exact neighbour).
 */
export async function nearestTraces(
  handle: DatabaseHandle,
  params: {
    projectId: string;
    model: { id: number; dimensions: number };
    kind: "prompt" | "response";
    vector: ArrayLike<number>;
    k: number;
    efSearch?: number;
    excludeTraceId?: string;
  },
): Promise<NearestTrace[]> {
  const { model } = params;
  if (params.vector.length !== model.dimensions) {
    throw new Error(`query vector has ${params.vector.length} dimensions, the model has ${model.dimensions}`);
  }
  const k = Math.max(1, Math.min(1000, Math.floor(params.k)));
  const ef = Math.max(k, Math.min(1000, Math.floor(params.efSearch ?? 100)));
  const cast = sql.raw(`vector(${model.dimensions})`);
  const literal = `[${Array.from(params.vector).join(",")}]`;
  const distance = sql`embedding::${cast} <=> ${literal}::${cast}`;
  const query = sql`select trace_id, (${distance}) as distance from embeddings
    where model_id = ${sql.raw(String(model.id))} and kind = ${sql.raw(params.kind === "prompt" ? "'prompt'" : "'response'")}
      and project_id = ${params.projectId}
    ${params.excludeTraceId ? sql`and trace_id <> ${params.excludeTraceId}` : sql``}
    order by ${distance} limit ${sql.raw(String(k))}`;

  // SET LOCAL needs one connection inside a transaction, on both drivers.
  const rows = await handle.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local hnsw.ef_search = ${ef}`));
    await tx.execute(sql.raw("set local hnsw.iterative_scan = strict_order"));
    const result = await tx.execute(query);
    return (result as unknown as { rows: Array<{ trace_id: string; distance: number | string }> }).rows;
  });
  return rows.map((r) => ({ traceId: r.trace_id, distance: Number(r.distance) }));
}
