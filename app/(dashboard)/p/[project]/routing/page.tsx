import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { RoutingView } from "@/components/routing/routing-view";
import { periodSelectionOrDefault, resolvePeriod, selectionKey } from "@/lib/period";
import { queryKeys } from "@/lib/charts/query-keys";
import { getProjectAccess, requireUser } from "@/lib/server/current-user";
import { getRouting } from "@/lib/queries/routing";
import { makeQueryClient } from "@/lib/query-client";
import { getPageReadDatabase } from "@/lib/server/read-database";

export const metadata: Metadata = { title: "Routing" };
export const dynamic = "force-dynamic";

export default async function RoutingPage({
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
  const queryClient = makeQueryClient();
  const routing = await getRouting(db, access.project.id, resolvePeriod(selection), { by: "model" });
  queryClient.setQueryData(queryKeys.routing(project, selectionKey(selection), "model", ""), JSON.parse(JSON.stringify(routing)));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <RoutingView project={project} selection={selection} />
    </HydrationBoundary>
  );
}
