import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RegressionDetailView } from "@/components/regressions/regression-detail-view";
import { getProjectAccess, requireUser } from "@/lib/server/current-user";
import { queryKeys } from "@/lib/charts/query-keys";
import { getVersionChange } from "@/lib/queries/monitors-version-changes";
import { makeQueryClient } from "@/lib/query-client";
import { getPageReadDatabase } from "@/lib/server/read-database";

export const metadata: Metadata = { title: "Version change" };
export const dynamic = "force-dynamic";

export default async function RegressionPage({ params }: { params: Promise<{ project: string; id: string }> }) {
  const { project, id } = await params;
  const access = await getProjectAccess(await requireUser(), project);
  const { db } = await getPageReadDatabase();
  const change = await getVersionChange(db, access.project.id, id);
  if (!change) notFound();
  const queryClient = makeQueryClient();
  queryClient.setQueryData(queryKeys.versionChange(project, id), JSON.parse(JSON.stringify(change)));
  // The example pairs take one pgvector query per sampled answer: they stream in on the client.
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <RegressionDetailView project={project} id={id} />
    </HydrationBoundary>
  );
}
