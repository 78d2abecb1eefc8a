import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { parseScores, type ScoreInput } from "@/lib/ingest/score-input";
import type { FieldError } from "@/lib/ingest/types";
import { NotFoundError, PayloadError, UnavailableError, ValidationError, payloadProblemOf } from "@/lib/errors";
import { upsertScores, type ScoreWrite } from "./upsert-scores";

export type ScoreItemOutcome =
  | { index: number; status: ScoreWrite; traceId: string; name: string; scoreId: string | null }
  | { index: number; status: "rejected"; errors: FieldError[] }
  | { index: number; status: "not_found"; errors: FieldError[] };

export type RecordScoresResult =
  | { single: true; status: 200 | 201; body: { traceId: string; name: string; value: number; source: string; scoreId: string | null; status: ScoreWrite } }
  | { single: false; status: 200 | 207; body: { created: number; updated: number; rejected: number; items: ScoreItemOutcome[] } };

/**
 * `POST /api/v1/scores`: late feedback onto stored traces, one score or a
 * batch, in one transaction. An unknown trace is a 404 (per item in a batch),
 * never a silent drop; a score already there under the same name and source
 * (or the same scoreId) is replaced, so retries are safe.
 */
export async function recordScores(ctx: { db: Database; projectId: string }, body: unknown): Promise<RecordScoresResult> {
  const parsed = parseScores(body);
  if ("batchError" in parsed) throw new PayloadError(payloadProblemOf(parsed.status), parsed.batchError[0]!.message, parsed.batchError);
  const valid = parsed.items.flatMap((i) => ("score" in i ? [{ index: i.index, score: i.score }] : []));
  if (parsed.single && valid.length === 0) {
    const errors = (parsed.items[0] as { errors: FieldError[] }).errors;
    throw new ValidationError(errors, errors[0] ? `${errors[0].path || "body"}: ${errors[0].message}` : "Invalid score");
  }

  const outcomes = new Map<number, ScoreItemOutcome>();
  try {
    await ctx.db.transaction(async (tx) => {
      const traceIds = await resolveTraces(tx, ctx.projectId, valid.map((v) => v.score));
      const found = valid.flatMap((v, i) => (traceIds[i] ? [{ ...v, traceId: traceIds[i] }] : []));
      for (const [i, v] of valid.entries()) {
        if (traceIds[i] !== null) continue;
        const field = v.score.traceId ? "traceId" : "externalId";
        const path = parsed.single ? field : `scores[${v.index}].${field}`;
        outcomes.set(v.index, { index: v.index, status: "not_found", errors: [{ path, message: "no trace with this id in this project" }] });
      }
      const writes = await upsertScores(
        tx,
        ctx.projectId,
        found.map((f) => ({ traceId: f.traceId, name: f.score.name, value: f.score.value, source: f.score.source, externalId: f.score.scoreId, comment: f.score.comment })),
      );
      found.forEach((f, i) => outcomes.set(f.index, { index: f.index, status: writes[i]!, traceId: f.traceId, name: f.score.name, scoreId: f.score.scoreId }));
    });
  } catch (error) {
    console.error("[driftline] scores: storing failed:", error instanceof Error ? error.message : error);
    throw new UnavailableError("The database is unavailable; no score was stored, retry later (a retry is safe)");
  }

  if (parsed.single) {
    const outcome = outcomes.get(0)!;
    if (outcome.status === "not_found") throw new NotFoundError("Trace");
    if (outcome.status === "rejected") throw new ValidationError(outcome.errors);
    const s = valid[0]!.score;
    return {
      single: true,
      status: outcome.status === "created" ? 201 : 200,
      body: { traceId: outcome.traceId, name: s.name, value: s.value, source: s.source, scoreId: s.scoreId, status: outcome.status },
    };
  }
  const items: ScoreItemOutcome[] = parsed.items.map((i) => ("errors" in i ? { index: i.index, status: "rejected", errors: i.errors } : outcomes.get(i.index)!));
  const count = (status: ScoreItemOutcome["status"]) => items.filter((i) => i.status === status).length;
  const failed = items.length - count("created") - count("updated");
  return { single: false, status: failed > 0 ? 207 : 200, body: { created: count("created"), updated: count("updated"), rejected: failed, items } };
}

/** Each score's Driftline trace id, or null when the project has no such trace. */
async function resolveTraces(tx: Pick<Database, "execute">, projectId: string, scores: ScoreInput[]): Promise<Array<string | null>> {
  const ids = [...new Set(scores.flatMap((s) => (s.traceId ? [s.traceId] : [])))];
  const externals = [...new Set(scores.flatMap((s) => (s.externalId ? [s.externalId] : [])))];
  const result = await tx.execute(sql`select id, encode(convert_to(external_id, 'UTF8'), 'hex') as external_id_hex from traces
    where project_id = ${projectId}::uuid and (id = any(${sql.param(ids)}::uuid[]) or external_id = any(${sql.param(externals)}::text[]))`);
  const byId = new Set<string>();
  const byExternal = new Map<string, string>();
  // Hex, as in recordTraces: PGlite drops a leading U+FEFF from text values.
  for (const row of (result as unknown as { rows: Array<{ id: string; external_id_hex: string }> }).rows) {
    byId.add(row.id);
    byExternal.set(Buffer.from(row.external_id_hex, "hex").toString("utf8"), row.id);
  }
  return scores.map((s) => (s.traceId ? (byId.has(s.traceId) ? s.traceId : null) : (byExternal.get(s.externalId!) ?? null)));
}
