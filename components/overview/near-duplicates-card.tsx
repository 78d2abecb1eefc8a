"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson, QueryState } from "@/components/ui/query-state";
import { selectionKey, selectionToSearch, type PeriodSelection } from "@/lib/period";
import { queryKeys } from "@/lib/charts/query-keys";
import { formatPercent, formatUsd } from "@/lib/format";
import type { NearDuplicates } from "@/lib/queries/near-duplicates";

export function NearDuplicatesCard({ project, selection }: { project: string; selection: PeriodSelection }) {
  const query = useQuery({
    queryKey: queryKeys.nearDuplicates(project, selectionKey(selection)),
    queryFn: () => fetchJson<NearDuplicates>(`/api/projects/${encodeURIComponent(project)}/near-duplicates?${selectionToSearch(selection)}`),
  });
  return (
    <div className="card" data-testid="near-duplicates">
      <h2>Near-duplicate prompts</h2>
      <QueryState
        query={query}
        label="near-duplicates"
        isEmpty={(d) => d.sampled === 0}
        empty="No embedded prompts in this period yet — the share appears once prompts are embedded."
      >
        {(d) => (
          <>
            <div className="grid" style={{ gridTemplateColumns: "1fr 1fr" }}>
              <div>
                <div className="kpi-label">Share of prompts a semantic cache would have answered</div>
                <div className="kpi-value" data-testid="near-duplicate-share">
                  {formatPercent(d.share)}
                </div>
                <div className="tz-note">
                  {d.duplicates} of {d.sampled} sampled prompts ·{" "}
                  {d.share === null || d.previous.share === null
                    ? "no earlier data"
                    : `${d.share >= d.previous.share ? "▲" : "▼"} ${(Math.abs(d.share - d.previous.share) * 100).toFixed(1)} points vs previous period (${formatPercent(d.previous.share)})`}
                </div>
              </div>
              <div>
                <div className="kpi-label">Estimated saving in this period</div>
                <div className="kpi-value">{formatUsd(d.estimatedSavingUsd)}</div>
                <div className="tz-note">of {formatUsd(d.periodCostUsd)} spent</div>
              </div>
            </div>
            <p className="tz-note" style={{ marginTop: 12 }}>
              Rule: {d.rule}. Embedding model: {d.model}.
            </p>
          </>
        )}
      </QueryState>
    </div>
  );
}
