import type { DatabaseHandle } from "@/db/client";

export type EmbeddingBacklogStatus = {
  /** Texts waiting to be embedded (including ones waiting for a retry). */
  pending: number;
  /** Texts that can never be embedded, with their reason in the backlog row. */
  failed: number;
  /** Age in seconds of the oldest pending text, or null when nothing is pending. */
  oldestPendingSeconds: number | null;
};

export async function getEmbeddingBacklog(handle: DatabaseHandle, projectId: string): Promise<EmbeddingBacklogStatus> {
  const [row] = await handle.query<{ pending: number; failed: number; oldest: number | null }>(
    `select count(*) filter (where failed_at is null)::int as pending,
            count(*) filter (where failed_at is not null)::int as failed,
            extract(epoch from now() - min(created_at) filter (where failed_at is null))::float8 as oldest
       from embedding_backlog where project_id = $1`,
    [projectId],
  );
  return {
    pending: Number(row?.pending ?? 0),
    failed: Number(row?.failed ?? 0),
    oldestPendingSeconds: row?.oldest == null ? null : Number(row.oldest),
  };
}
