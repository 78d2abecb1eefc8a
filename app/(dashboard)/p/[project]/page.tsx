import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { headers } from "next/headers";
import { FirstTrace } from "@/components/overview/first-trace";
import { OverviewView } from "@/components/overview/overview-view";
import { overviewQueryKey, parseOverviewRange } from "@/lib/charts/overview-ranges";
import { getProjectAccess, requireUser } from "@/lib/auth/current-user";
import { getOverview, periodFromRange } from "@/lib/queries/overview";
import { makeQueryClient } from "@/lib/query-client";
import { getDatabase } from "@/lib/server/database";

export const dynamic = "force-dynamic";

export default async function OverviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<{ range?: string }>;
}) {
  const { project } = await params;
  const range = parseOverviewRange((await searchParams).range);
  const access = await getProjectAccess(await requireUser(), project);
  const { db } = await getDatabase();

  const queryClient = makeQueryClient();
  const overview = await getOverview(db, access.project.id, periodFromRange(range));
  if (overview.totalTraces === 0) {
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
  queryClient.setQueryData(overviewQueryKey(project, range), JSON.parse(JSON.stringify(overview)));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <OverviewView project={project} range={range} />
    </HydrationBoundary>
  );
}
