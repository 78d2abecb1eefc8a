import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { TracesView } from "@/components/traces/traces-view";
import { filterToSearch, type TraceFilter } from "@/lib/charts/trace-filter";
import { queryKeys } from "@/lib/charts/query-keys";
import { getProjectAccess, requireUser } from "@/lib/server/current-user";
import { traceRowsPage } from "@/lib/http/trace-routes";
import { traceFacets } from "@/lib/queries/traces-list";
import { makeQueryClient } from "@/lib/query-client";
import { getPageReadDatabase } from "@/lib/server/read-database";
import { ValidationError } from "@/lib/errors";

export const metadata: Metadata = { title: "Traces" };
export const dynamic = "force-dynamic";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export default async function TracesPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { project } = await params;
  const sp = await searchParams;
  const access = await getProjectAccess(await requireUser(), project);
  const { db } = await getPageReadDatabase();
  const filter: TraceFilter = {
    model: sp.model ?? "",
    route: sp.route ?? "",
    status: ["ok", "error", "refused"].includes(sp.status ?? "") ? sp.status! : "",
    q: (sp.q ?? "").slice(0, 200),
    from: DAY.test(sp.from ?? "") ? sp.from! : "",
    to: DAY.test(sp.to ?? "") ? sp.to! : "",
  };
  const search = filterToSearch(filter);
  const queryClient = makeQueryClient();
  const facets = await traceFacets(db, access.project.id);
  let invalid: string | null = null;
  try {
    const page = await traceRowsPage(db, access.project.id, new URLSearchParams(`${search}${search ? "&" : ""}limit=50`));
    queryClient.setQueryData(queryKeys.traces(project, search), {
      pages: [JSON.parse(JSON.stringify(page))],
      pageParams: [""],
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    invalid = error.details?.map((d) => `${d.path} ${d.message}`).join("; ") ?? error.message;
  }
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Traces</h1>
          <div className="muted">Every LLM call, newest first; filter and search, then open one. Times are UTC.</div>
        </div>
      </div>
      {invalid ? (
        <div className="alert" role="alert">
          {invalid}
        </div>
      ) : null}
      <HydrationBoundary state={dehydrate(queryClient)}>
        <TracesView project={project} filter={filter} facets={facets} />
      </HydrationBoundary>
    </>
  );
}
