import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { headers } from "next/headers";
import { FirstTrace } from "@/components/overview/first-trace";
import { OverviewView } from "@/components/overview/overview-view";
import { periodSelectionOrDefault, resolvePeriod, selectionKey } from "@/lib/period";
import { queryKeys } from "@/lib/charts/query-keys";
import { getProjectAccess, requireUser } from "@/lib/server/current-user";
import { getOverview } from "@/lib/queries/overview";
import { makeQueryClient } from "@/lib/query-client";
import { getPageReadDatabase } from "@/lib/server/read-database";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

export default async function OverviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<{ range?: string; from?: string; to?: string }>;
}) {
  const { project } = await params;
  const selection = periodSelectionOrDefault(await searchParams);
  const access = await getProjectAccess(await requireUser(), project);
  const { db } = await getPageReadDatabase();

  const overview = await getOverview(db, access.project.id, resolvePeriod(selection));
  if (!overview.hasTraces) {
    const h = await headers();
    const origin = `${h.get("x-forwarded-proto") ?? "http"}://${h.get("host") ?? "localhost:3000"}`;
    return (
      <>
        <div className="page-header">
          <h1>Overview</h1>
        </div>
        <FirstTrace origin={origin} projectSlug={project} />
      </>
    );
  }
  const queryClient = makeQueryClient();
  queryClient.setQueryData(queryKeys.overview(project, selectionKey(selection)), JSON.parse(JSON.stringify(overview)));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <OverviewView project={project} selection={selection} />
    </HydrationBoundary>
  );
}
