import { desc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { traces } from "@/db/schema";

export type TraceListItem = {
  id: string;
  externalId: string;
  startedAt: string;
  model: string | null;
  route: string | null;
  status: "ok" | "error";
  latencyMs: number | null;
  costUsd: number | null;
  promptText: string | null;
};

export async function listRecentTraces(db: Database, projectId: string, limit = 50): Promise<TraceListItem[]> {
  const rows = await db
    .select({
      id: traces.id,
      externalId: traces.externalId,
      startedAt: traces.startedAt,
      model: traces.model,
      route: traces.route,
      status: traces.status,
      latencyMs: traces.latencyMs,
      costUsd: traces.costUsd,
      promptText: traces.promptText,
    })
    .from(traces)
    .where(eq(traces.projectId, projectId))
    .orderBy(desc(traces.startedAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, startedAt: r.startedAt.toISOString() }));
}
