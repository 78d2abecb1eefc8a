"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { fetchJson } from "@/components/ui/query-state";
import { suggestPeriod } from "@/lib/charts/data-extent";
import { selectionKey, selectionToSearch, type PeriodSelection } from "@/lib/period";
import { queryKeys } from "@/lib/charts/query-keys";
import type { DataExtent } from "@/lib/queries/data-extent";

/**
 * Above a page's period-bound widgets: when the chosen period holds no traces
 * but the project has some elsewhere, says where they are and offers the
 * period that shows them, in one click — instead of a wall of empty cards.
 */
export function PeriodDataNotice({ project, selection }: { project: string; selection: PeriodSelection }) {
  const pathname = usePathname();
  const params = useSearchParams();
  const query = useQuery({
    queryKey: queryKeys.dataExtent(project, selectionKey(selection)),
    queryFn: () => fetchJson<DataExtent>(`/api/projects/${encodeURIComponent(project)}/data-extent?${selectionToSearch(selection)}`),
  });
  const suggestion = query.data ? suggestPeriod(query.data) : null;
  if (!suggestion) return null;
  const next = new URLSearchParams(params.toString());
  for (const k of ["range", "from", "to", "cursor"]) next.delete(k);
  for (const [k, v] of new URLSearchParams(selectionToSearch(suggestion.selection))) next.set(k, v);
  return (
    <div className="card" role="status" data-testid="period-data-notice" style={{ marginBottom: 14, display: "flex", gap: 12, alignItems: "center", flexWrap: "wrap" }}>
      <span>{suggestion.message}</span>
      <Link className="btn small" href={`${pathname}?${next.toString()}`}>
        {suggestion.label}
      </Link>
    </div>
  );
}
