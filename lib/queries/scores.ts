import { and, asc, eq, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { scores, traces } from "@/db/schema";

export type ScoreView = {
  traceId: string;
  externalId: string;
  name: string;
  value: number;
  source: string;
  scoreId: string | null;
  comment: string | null;
  createdAt: string;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The scores of one trace, by Driftline's id or the client's; null when the project has no such trace. */
export async function listTraceScores(db: Database, projectId: string, id: string): Promise<ScoreView[] | null> {
  const match = UUID.test(id) ? or(eq(traces.id, id), eq(traces.externalId, id)) : eq(traces.externalId, id);
  const [trace] = await db.select({ id: traces.id, externalId: traces.externalId }).from(traces).where(and(eq(traces.projectId, projectId), match)).limit(1);
  if (!trace) return null;
  const list = await db
    .select()
    .from(scores)
    .where(and(eq(scores.projectId, projectId), eq(scores.traceId, trace.id)))
    .orderBy(asc(scores.name), asc(scores.source));
  return list.map((s) => ({
    traceId: trace.id,
    externalId: trace.externalId,
    name: s.name,
    value: s.value,
    source: s.source,
    scoreId: s.externalId,
    comment: s.comment,
    createdAt: s.createdAt.toISOString(),
  }));
}
