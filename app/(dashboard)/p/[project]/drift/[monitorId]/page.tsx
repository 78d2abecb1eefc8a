import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MonitorDetailView } from "@/components/drift/monitor-detail-view";
import { getProjectAccess, requireUser } from "@/lib/server/current-user";
import { queryKeys } from "@/lib/charts/query-keys";
import { getMonitor } from "@/lib/queries/monitors";
import { listMonitorResults } from "@/lib/queries/monitors-results";
import { listVersionChanges } from "@/lib/queries/monitors-version-changes";
import { makeQueryClient } from "@/lib/query-client";
import { getPageReadDatabase } from "@/lib/server/read-database";

export const metadata: Metadata = { title: "Monitor" };
export const dynamic = "force-dynamic";

export default async function MonitorPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string; monitorId: string }>;
  searchParams: Promise<{ window?: string }>;
}) {
  const { project, monitorId } = await params;
  const { window } = await searchParams;
  const access = await getProjectAccess(await requireUser(), project);
  const { db } = await getPageReadDatabase();
  const monitor = await getMonitor(db, access.project.id, monitorId);
  if (!monitor) notFound();
  const [results, changes] = await Promise.all([
    listMonitorResults(db, access.project.id, monitor.id, { limit: 200, artefacts: false }),
    listVersionChanges(db, access.project.id),
  ]);
  const queryClient = makeQueryClient();
  queryClient.setQueryData(queryKeys.series(project, monitor.id), { data: results });
  queryClient.setQueryData(queryKeys.versionChanges(project), { data: changes });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <MonitorDetailView project={project} monitor={monitor} initialWindow={typeof window === "string" && /^[0-9a-f-]{36}$/i.test(window) ? window : null} />
    </HydrationBoundary>
  );
}
