"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { fetchJson, QueryState } from "@/components/ui/query-state";
import { queryKeys } from "@/lib/charts/query-keys";
import { groupVersionChanges, STATUS_LABELS, statusTone, summarizeChange } from "@/lib/charts/regression";
import type { VersionChangeView } from "@/lib/queries/monitors-version-changes";

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** Per (provider, model), a timeline of its version changes with their verdicts. */
export function RegressionsView({ project }: { project: string }) {
  const query = useQuery({
    queryKey: queryKeys.versionChanges(project),
    queryFn: () => fetchJson<{ data: VersionChangeView[] }>(`/api/projects/${encodeURIComponent(project)}/version-changes`),
    refetchInterval: 10_000,
  });
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Regressions</h1>
          <div className="muted">
            Model versions as the providers report them: when a (provider, model) starts answering with another version, Driftline compares the week before with
            the week after. All times UTC.
          </div>
        </div>
      </div>
      <QueryState
        query={query}
        label="version changes"
        isEmpty={(d) => d.data.length === 0}
        empty="No version change detected yet. Changes are detected every 5 minutes from the model versions your traces report."
      >
        {(d) => (
          <div className="grid" style={{ gap: 14 }}>
            {groupVersionChanges(d.data).map((g) => (
              <section key={g.key} className="card" aria-label={`${g.provider} ${g.model}`} data-testid="model-timeline">
                <h2>
                  {g.provider} / {g.model}
                </h2>
                <ol style={{ listStyle: "none", margin: 0, padding: 0, borderLeft: "2px solid var(--border)" }}>
                  {g.changes.map((c) => (
                    <li key={c.id} style={{ padding: "6px 0 10px 14px", position: "relative" }} data-testid="version-change" data-status={c.status}>
                      <div className="tz-note">{when(c.firstSeenNewAt)}</div>
                      <div>
                        <Link href={`/p/${encodeURIComponent(project)}/regressions/${c.id}`}>
                          <code>{c.fromVersion}</code> → <code>{c.toVersion}</code>
                        </Link>{" "}
                        <span className={`badge ${statusTone(c.status)}`} data-testid="version-change-status">
                          {STATUS_LABELS[c.status] ?? c.status}
                        </span>
                      </div>
                      <div className="muted" style={{ fontSize: 13 }}>
                        {summarizeChange(c.comparison) || (c.status === "pending" ? "verdict once both sides have 50 traces" : "no metric changed significantly")} · n{" "}
                        {c.sampleSizes.before} before / {c.sampleSizes.after} after
                      </div>
                    </li>
                  ))}
                </ol>
              </section>
            ))}
          </div>
        )}
      </QueryState>
    </>
  );
}
