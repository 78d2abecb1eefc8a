/**
 * Late feedback, `POST /api/v1/scores`: one score, or `{scores: [...]}`, each
 * naming a stored trace by Driftline's id (`traceId`) or the client's
 * (`externalId`). Pure: validation only. docs/ingest.md, "Scores API".
 */
import { z } from "zod";
import { NATIVE_LIMITS, sanitizeString } from "./native-schema";
import type { FieldError } from "./types";
import { formatZodIssues } from "./validate-native";

export const SCORE_LIMITS = { maxBatchItems: 1000, maxCommentLength: 10_000, maxSourceLength: 64 } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const string = (max: number) =>
  z.string("must be a string").overwrite(sanitizeString).min(1, "must not be empty").max(max, `must be at most ${max} characters`);

const scoreSchema = z
  .strictObject({
    traceId: z.string("must be a string").regex(UUID, "must be a Driftline trace id (a UUID); use externalId for your own id").nullish(),
    externalId: string(NATIVE_LIMITS.maxIdLength).nullish(),
    name: string(NATIVE_LIMITS.maxScoreNameLength),
    value: z.number("must be a finite number"),
    scoreId: string(NATIVE_LIMITS.maxIdLength).nullish(),
    comment: z.string("must be a string").overwrite(sanitizeString).max(SCORE_LIMITS.maxCommentLength, `must be at most ${SCORE_LIMITS.maxCommentLength} characters`).nullish(),
    source: string(SCORE_LIMITS.maxSourceLength).nullish(),
  })
  .superRefine((s, ctx) => {
    if (!s.traceId === !s.externalId) {
      ctx.addIssue({ code: "custom", path: [s.traceId ? "externalId" : "traceId"], message: s.traceId ? "send traceId or externalId, not both" : "is required (or externalId)" });
    }
  });

export type ScoreInput = {
  /** Either Driftline's trace id… */
  traceId: string | null;
  /** …or the client's. */
  externalId: string | null;
  name: string;
  value: number;
  scoreId: string | null;
  comment: string | null;
  source: string;
};

export type ParsedScores = {
  /** Whether the body was one score (answered with one status) or a `{scores: [...]}` batch. */
  single: boolean;
  items: Array<{ index: number; score: ScoreInput } | { index: number; errors: FieldError[] }>;
};

/** Throws nothing: a body that is neither a score nor a batch is one item with an error at "". */
export function parseScores(body: unknown): ParsedScores | { batchError: FieldError[]; status: 400 | 413 } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return { batchError: [{ path: "", message: 'body must be a score object or {"scores": [...]}' }], status: 400 };
  }
  const batch = "scores" in body ? (body as { scores: unknown }).scores : undefined;
  if (batch !== undefined && !Array.isArray(batch)) return { batchError: [{ path: "scores", message: "must be an array of scores" }], status: 400 };
  if (Array.isArray(batch) && batch.length > SCORE_LIMITS.maxBatchItems) {
    return { batchError: [{ path: "scores", message: `a batch may hold at most ${SCORE_LIMITS.maxBatchItems} scores (got ${batch.length}); split it` }], status: 413 };
  }
  const single = batch === undefined;
  const list: unknown[] = single ? [body] : batch;
  return {
    single,
    items: list.map((item, index) => {
      const prefix = single ? "" : `scores[${index}]`;
      const parsed = scoreSchema.safeParse(item);
      if (!parsed.success) return { index, errors: formatZodIssues(parsed.error.issues, prefix, item) };
      const s = parsed.data;
      return {
        index,
        score: {
          traceId: s.traceId?.toLowerCase() ?? null,
          externalId: s.externalId ?? null,
          name: s.name,
          value: s.value,
          scoreId: s.scoreId ?? null,
          comment: s.comment ?? null,
          source: s.source ?? "api",
        },
      };
    }),
  };
}
