import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { DriftView } from "@/components/drift/drift-view";
import { getProjectAccess, requireUser } from "@/lib/server/current-user";
import { can } from "@/lib/auth/roles";
import { queryKeys } from "@/lib/charts/query-keys";
import { listMonitors } from "@/lib/queries/monitors";
import { listAlerts } from "@/lib/queries/monitors-alerts";
import { makeQueryClient } from "@/lib/query-client";
import { getPageReadDatabase } from "@/lib/server/read-database";

export const metadata: Metadata = { title: "Drift" };
export const dynamic = "force-dynamic";

export default async function DriftPage({ params }: { params: Promise<{ project: string }> }) {
  const { project } = await params;
  const access = await getProjectAccess(await requireUser(), project);
  const { db } = await getPageReadDatabase();
  const [monitors, alerts] = await Promise.all([listMonitors(db, access.project.id), listAlerts(db, access.project.id, { state: "firing" })]);
  const queryClient = makeQueryClient();
  queryClient.setQueryData(queryKeys.monitors(project), { data: monitors });
  queryClient.setQueryData(queryKeys.alerts(project, "firing"), { data: alerts });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <DriftView project={project} canWrite={can(access.role, "monitors.write")} />
    </HydrationBoundary>
  );
}
