"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/components/ui/query-state";
import { queryKeys } from "@/lib/charts/query-keys";

type Backlog = { pending: number; failed: number; oldestPendingSeconds: number | null };

function age(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** The embedding backlog, polled every 5 s: how many texts wait and how long the oldest has waited. */
export function BacklogBadge({ project }: { project: string }) {
  const query = useQuery({
    queryKey: queryKeys.embeddingBacklog(project),
    queryFn: () => fetchJson<Backlog>(`/api/projects/${encodeURIComponent(project)}/embedding-backlog`),
    refetchInterval: 5_000,
    staleTime: 0,
  });
  if (query.isPending) return <span className="badge live busy tz-note">Embeddings: …</span>;
  if (query.isError) return <span className="badge warn">Embeddings: status unavailable</span>;
  const b = query.data;
  return (
    <span className={`badge live${b.pending > 0 ? " busy" : ""}`} data-testid="backlog-badge" role="status" aria-live="polite"
      title="Texts waiting to be embedded (refreshed every 5 s)">
      {b.pending === 0 ? "Embeddings up to date" : `${b.pending} to embed · oldest ${age(b.oldestPendingSeconds ?? 0)}`}
      {b.failed > 0 ? ` · ${b.failed} failed` : ""}
    </span>
  );
}
