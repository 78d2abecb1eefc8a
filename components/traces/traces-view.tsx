"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { fetchJson } from "@/components/ui/query-state";
import { queryKeys } from "@/lib/charts/query-keys";
import { filterToSearch, type TraceFilter } from "@/lib/charts/trace-filter";
import { formatMs, formatUsd } from "@/lib/format";
import type { TraceRow } from "@/lib/queries/traces-list";

export type TracePage = { data: TraceRow[]; nextCursor: string | null };

export function TracesView(props: { project: string; filter: TraceFilter; facets: { models: string[]; routes: string[] } }) {
  const router = useRouter();
  const pathname = usePathname();
  const [draft, setDraft] = useState(props.filter);
  const search = filterToSearch(props.filter);
  const query = useInfiniteQuery({
    queryKey: queryKeys.traces(props.project, search),
    queryFn: ({ pageParam }) =>
      fetchJson<TracePage>(
        `/api/projects/${encodeURIComponent(props.project)}/traces?${search}${search ? "&" : ""}limit=50${pageParam ? `&cursor=${pageParam}` : ""}`,
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const p = new URLSearchParams(Object.entries(draft).filter(([, v]) => v !== ""));
    router.push(`${pathname}?${p.toString()}`);
  };
  const set = (key: keyof TraceFilter) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });
  const rows = query.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <>
      <form className="card toolbar" onSubmit={apply} aria-label="Filter traces" style={{ marginBottom: 14 }}>
        <input className="input" type="search" placeholder="Search prompts…" value={draft.q} onChange={set("q")} aria-label="Search prompt text" style={{ minWidth: 220 }} />
        <select className="input" value={draft.model} onChange={set("model")} aria-label="Model">
          <option value="">All models</option>
          {props.facets.models.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <select className="input" value={draft.route} onChange={set("route")} aria-label="Route">
          <option value="">All routes</option>
          {props.facets.routes.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <select className="input" value={draft.status} onChange={set("status")} aria-label="Status">
          <option value="">Any status</option>
          <option value="ok">ok</option>
          <option value="error">error</option>
          <option value="refused">refused</option>
        </select>
        <label className="tz-note">
          From (UTC) <input className="input" type="date" value={draft.from} onChange={set("from")} aria-label="From date (UTC)" />
        </label>
        <label className="tz-note">
          To (UTC) <input className="input" type="date" value={draft.to} onChange={set("to")} aria-label="To date (UTC), inclusive" />
        </label>
        <button className="btn small" type="submit">
          Apply
        </button>
        <Link className="btn secondary small" href={pathname}>
          Clear
        </Link>
      </form>
      <div className="card">
        {query.isPending ? (
          Array.from({ length: 8 }, (_, i) => <div key={i} className="skeleton row" aria-busy="true" />)
        ) : query.isError ? (
          <div className="error-state" role="alert">
            Could not load traces: {query.error.message}{" "}
            <button type="button" className="btn secondary small" onClick={() => void query.refetch()}>
              Retry
            </button>
          </div>
        ) : rows.length === 0 ? (
          <div className="widget-empty">No traces match these filters.</div>
        ) : (
          <>
            <table className="compact" data-testid="traces-table">
              <thead>
                <tr>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Model</th>
                  <th scope="col">Route</th>
                  <th scope="col">Prompt</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">Latency</th>
                  <th scope="col" className="num">Cost</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={t.id}>
                    <td style={{ whiteSpace: "nowrap" }}>
                      <Link href={`/p/${props.project}/traces/${t.id}`}>{t.startedAt.slice(0, 19).replace("T", " ")}</Link>
                    </td>
                    <td>{t.model ?? "—"}</td>
                    <td>{t.route ?? "—"}</td>
                    <td className="truncate" title={t.promptText ?? ""} style={{ maxWidth: 420 }}>
                      {t.promptText ?? "—"}
                    </td>
                    <td>
                      <span className={`badge ${t.status}`}>{t.status}</span> {t.refused ? <span className="badge warn">refused</span> : null}
                    </td>
                    <td className="num">{formatMs(t.latencyMs)}</td>
                    <td className="num">{formatUsd(t.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="toolbar" style={{ marginTop: 12 }}>
              <span className="tz-note">{rows.length} shown, newest first</span>
              {query.hasNextPage ? (
                <button type="button" className="btn secondary small" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                  {query.isFetchingNextPage ? "Loading…" : "Load more"}
                </button>
              ) : (
                <span className="tz-note">End of the list.</span>
              )}
            </div>
          </>
        )}
      </div>
    </>
  );
}
