import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { EvaluationsView } from "@/components/evaluations/evaluations-view";
import { getProjectAccess, requireUser } from "@/lib/server/current-user";
import { can } from "@/lib/auth/roles";
import { queryKeys } from "@/lib/charts/query-keys";
import { listDatasets } from "@/lib/queries/datasets";
import { getEvaluationBacklog, listEvaluators } from "@/lib/queries/evaluators";
import { makeQueryClient } from "@/lib/query-client";
import { getPageReadDatabase } from "@/lib/server/read-database";

export const metadata: Metadata = { title: "Evaluations" };
export const dynamic = "force-dynamic";

export default async function EvaluationsPage({ params }: { params: Promise<{ project: string }> }) {
  const { project } = await params;
  const access = await getProjectAccess(await requireUser(), project);
  const { db } = await getPageReadDatabase();
  const [evaluators, backlog, datasets] = await Promise.all([
    listEvaluators(db, access.project.id),
    getEvaluationBacklog(db, access.project.id),
    listDatasets(db, access.project.id),
  ]);
  const queryClient = makeQueryClient();
  queryClient.setQueryData(queryKeys.evaluators(project), { data: evaluators, backlog });
  queryClient.setQueryData(queryKeys.datasets(project), { data: datasets });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <EvaluationsView project={project} canWrite={can(access.role, "evals.write")} />
    </HydrationBoundary>
  );
}
