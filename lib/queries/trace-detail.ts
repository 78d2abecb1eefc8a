import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/db/client";
import { embeddingBacklog, embeddingModels, embeddings, traces } from "@/db/schema";
import { nearestTraces } from "@/db/nearest-traces";

export type EmbeddingStatus = {
  kind: "prompt" | "response";
  state: "embedded" | "waiting" | "failed" | "none";
  model: string | null;
  dimensions: number | null;
  truncated: boolean;
  embeddedAt: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
};

/** Per text kind: embedded (by which model), waiting in the backlog, failed (why), or nothing to embed. */
export async function embeddingStatus(handle: DatabaseHandle, projectId: string, traceId: string): Promise<EmbeddingStatus[]> {
  const { db } = handle;
  const [done, backlog] = await Promise.all([
    db
      .select({
        kind: embeddings.kind,
        model: embeddingModels.name,
        dimensions: embeddingModels.dimensions,
        truncated: embeddings.truncated,
        createdAt: embeddings.createdAt,
      })
      .from(embeddings)
      .innerJoin(embeddingModels, eq(embeddingModels.id, embeddings.modelId))
      .where(and(eq(embeddings.projectId, projectId), eq(embeddings.traceId, traceId)))
      .orderBy(desc(embeddings.modelId)),
    db
      .select()
      .from(embeddingBacklog)
      .where(and(eq(embeddingBacklog.projectId, projectId), eq(embeddingBacklog.traceId, traceId))),
  ]);
  return (["prompt", "response"] as const).map((kind) => {
    const e = done.find((d) => d.kind === kind);
    const b = backlog.find((d) => d.kind === kind);
    if (b) {
      return {
        kind,
        state: b.failedAt ? "failed" : "waiting",
        model: e?.model ?? null,
        dimensions: e?.dimensions ?? null,
        truncated: e?.truncated ?? false,
        embeddedAt: e ? e.createdAt.toISOString() : null,
        attempts: b.attempts,
        nextAttemptAt: b.failedAt ? null : b.nextAttemptAt.toISOString(),
        lastError: b.lastError,
      };
    }
    if (e) {
      return { kind, state: "embedded", model: e.model, dimensions: e.dimensions, truncated: e.truncated, embeddedAt: e.createdAt.toISOString(), attempts: 0, nextAttemptAt: null, lastError: null };
    }
    return { kind, state: "none", model: null, dimensions: null, truncated: false, embeddedAt: null, attempts: 0, nextAttemptAt: null, lastError: null };
  });
}

export type SimilarTrace = {
  id: string;
  externalId: string;
  startedAt: string;
  model: string | null;
  route: string | null;
  status: "ok" | "error";
  distance: number;
  similarity: number;
  text: string | null;
};

export type SimilarResult = { which: "prompt" | "response"; model: string | null; data: SimilarTrace[] };

/**
 * The k traces whose prompt (or response) is nearest to this trace's, by
 * cosine distance through the newest embedding model that embedded it (its
 * HNSW index). An empty list with model null: the text is not embedded yet.
 */
export async function similarTraces(
  handle: DatabaseHandle,
  projectId: string,
  traceId: string,
  options: { k: number; which: "prompt" | "response" },
): Promise<SimilarResult> {
  const { db } = handle;
  const [own] = await db
    .select({ vector: embeddings.embedding, modelId: embeddings.modelId, model: embeddingModels.name, dimensions: embeddingModels.dimensions })
    .from(embeddings)
    .innerJoin(embeddingModels, eq(embeddingModels.id, embeddings.modelId))
    .where(and(eq(embeddings.projectId, projectId), eq(embeddings.traceId, traceId), eq(embeddings.kind, options.which)))
    .orderBy(desc(embeddings.modelId))
    .limit(1);
  if (!own) return { which: options.which, model: null, data: [] };
  const near = await nearestTraces(handle, {
    projectId,
    model: { id: own.modelId, dimensions: own.dimensions },
    kind: options.which,
    vector: own.vector,
    k: options.k,
    excludeTraceId: traceId,
  });
  if (near.length === 0) return { which: options.which, model: own.model, data: [] };
  const rows = await db
    .select({
      id: traces.id,
      externalId: traces.externalId,
      startedAt: traces.startedAt,
      model: traces.model,
      route: traces.route,
      status: traces.status,
      text: sql<string | null>`left(${options.which === "prompt" ? traces.promptText : traces.responseText}, 300)`,
    })
    .from(traces)
    .where(and(eq(traces.projectId, projectId), inArray(traces.id, near.map((n) => n.traceId))));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    which: options.which,
    model: own.model,
    data: near.flatMap((n) => {
      const r = byId.get(n.traceId);
      return r ? [{ ...r, startedAt: r.startedAt.toISOString(), distance: n.distance, similarity: 1 - n.distance }] : [];
    }),
  };
}
