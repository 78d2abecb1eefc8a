import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { embeddingBacklog, scores, traces, type NewTrace } from "@/db/schema";
import { isRefusal } from "@/lib/ingest/refusal";
import { promptToText, responseToText } from "@/lib/ingest/text";
import type { NormalizedTrace } from "@/lib/ingest/types";

export type RecordOutcome = { externalId: string; status: "accepted" | "duplicate"; traceId?: string };

function toRow(projectId: string, t: NormalizedTrace): NewTrace {
  const responseText = responseToText(t.response);
  return {
    projectId,
    externalId: t.externalId,
    startedAt: t.timestamp,
    provider: t.provider,
    model: t.model,
    modelVersion: t.modelVersion,
    route: t.route,
    prompt: t.prompt,
    response: t.response,
    promptText: promptToText(t.prompt),
    responseText,
    latencyMs: t.latencyMs,
    ttftMs: t.ttftMs,
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    costUsd: t.costUsd,
    status: t.status,
    error: t.error,
    finishReason: t.finishReason,
    refused: t.status === "ok" && isRefusal(responseText, t.finishReason),
    userId: t.userId,
    sessionId: t.sessionId,
    tags: t.tags,
    metadata: t.metadata,
  };
}

/**
 * Stores a batch of validated traces and their scores in one transaction.
 * Idempotent on the client's id: a trace whose id the project has seen before
 * (in an earlier request or earlier in this batch) is reported as a duplicate
 * and stored once. Returns one outcome per input, in order.
 */
export async function recordTraces(
  db: Database,
  input: { projectId: string; traces: NormalizedTrace[]; scoreSource?: string },
): Promise<RecordOutcome[]> {
  const { projectId } = input;
  const firstIndex = new Map<string, number>();
  input.traces.forEach((t, i) => {
    if (!firstIndex.has(t.externalId)) firstIndex.set(t.externalId, i);
  });
  const unique = [...firstIndex.values()].map((i) => input.traces[i]!);
  const insertedIds = new Map<string, string>();

  if (unique.length > 0) {
    await db.transaction(async (tx) => {
      // Chunked so a large batch stays under PostgreSQL's 65,535 bind parameters.
      for (let start = 0; start < unique.length; start += 500) {
        const chunk = unique.slice(start, start + 500);
        const rows = await tx
          .insert(traces)
          .values(chunk.map((t) => toRow(projectId, t)))
          .onConflictDoNothing({ target: [traces.projectId, traces.externalId] })
          .returning({ id: traces.id, externalId: traces.externalId });
        for (const row of rows) insertedIds.set(row.externalId, row.id);
      }
      const scoreRows = unique.flatMap((t) => {
        const traceId = insertedIds.get(t.externalId);
        if (!traceId) return [];
        return Object.entries(t.scores).map(([name, value]) => ({
          projectId,
          traceId,
          name,
          value,
          source: input.scoreSource ?? "sdk",
        }));
      });
      // Queue every stored prompt and response for the embedding job, in the same transaction.
      const backlogRows = unique.flatMap((t) => {
        const traceId = insertedIds.get(t.externalId);
        if (!traceId) return [];
        const rows: Array<{ projectId: string; traceId: string; kind: "prompt" | "response" }> = [];
        if (promptToText(t.prompt)?.trim()) rows.push({ projectId, traceId, kind: "prompt" });
        if (responseToText(t.response)?.trim()) rows.push({ projectId, traceId, kind: "response" });
        return rows;
      });
      for (let start = 0; start < backlogRows.length; start += 2000) {
        await tx.insert(embeddingBacklog).values(backlogRows.slice(start, start + 2000)).onConflictDoNothing();
      }
      for (let start = 0; start < scoreRows.length; start += 1000) {
        await tx
          .insert(scores)
          .values(scoreRows.slice(start, start + 1000))
          .onConflictDoUpdate({
            target: [scores.projectId, scores.traceId, scores.name, scores.source],
            set: { value: sql`excluded.value` },
          });
      }
    });
  }

  const claimed = new Set<string>();
  return input.traces.map((t) => {
    const traceId = insertedIds.get(t.externalId);
    if (traceId && !claimed.has(t.externalId)) {
      claimed.add(t.externalId);
      return { externalId: t.externalId, status: "accepted", traceId };
    }
    return { externalId: t.externalId, status: "duplicate" };
  });
}
