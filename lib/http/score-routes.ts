import { listTraceScores } from "@/lib/queries/scores";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { recordScores } from "@/lib/services/scores/record-scores";
import { withApiKey } from "./route-context";
import { readJsonBody } from "./ingest-routes";

/** POST /api/v1/scores — late feedback onto stored traces (docs/ingest.md, "Scores API"). */
export const postScores = withApiKey(async (request, ctx) => {
  const result = await recordScores({ db: ctx.db, projectId: ctx.projectId }, await readJsonBody(request));
  return Response.json(result.body, { status: result.status, headers: { "cache-control": "no-store" } });
});

/** GET /api/v1/scores?traceId=<Driftline id or the client's id> */
export const getScores = withApiKey(async (request, ctx) => {
  const traceId = ctx.url.searchParams.get("traceId");
  if (!traceId) throw new ValidationError([{ path: "traceId", message: "is required (a Driftline trace id or your own id)" }], "traceId is required");
  const list = await listTraceScores(ctx.db, ctx.projectId, traceId);
  if (!list) throw new NotFoundError("Trace");
  return Response.json({ data: list });
});
