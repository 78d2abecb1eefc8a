import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { RegressionsView } from "@/components/regressions/regressions-view";
import { getProjectAccess, requireUser } from "@/lib/server/current-user";
import { queryKeys } from "@/lib/charts/query-keys";
import { listVersionChanges } from "@/lib/queries/monitors-version-changes";
import { makeQueryClient } from "@/lib/query-client";
import { getPageReadDatabase } from "@/lib/server/read-database";

export const metadata: Metadata = { title: "Regressions" };
export const dynamic = "force-dynamic";

export default async function RegressionsPage({ params }: { params: Promise<{ project: string }> }) {
  const { project } = await params;
  const access = await getProjectAccess(await requireUser(), project);
  const { db } = await getPageReadDatabase();
  const queryClient = makeQueryClient();
  queryClient.setQueryData(queryKeys.versionChanges(project), { data: await listVersionChanges(db, access.project.id) });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <RegressionsView project={project} />
    </HydrationBoundary>
  );
}
