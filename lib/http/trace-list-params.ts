import { z } from "zod";
import { ValidationError } from "@/lib/errors";
import type { TraceListFilter } from "@/lib/queries/traces-read";
import { decodeCursor } from "@/lib/queries/trace-cursor";

const isoDate = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z" });

const paramsSchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  model: z.string().min(1).max(256).optional(),
  route: z.string().min(1).max(256).optional(),
  limit: z
    .string()
    .regex(/^\d+$/, "must be a whole number from 1 to 500")
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(500, "must be at most 500"))
    .optional(),
  cursor: z.string().max(200).optional(),
});



/** `?from&to&model&route&limit&cursor` → a filter, or a 422 naming each bad parameter. */
export function parseTraceListParams(search: URLSearchParams): TraceListFilter {
  const raw = Object.fromEntries(search.entries());
  const parsed = paramsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => ({ path: `query.${i.path.join(".")}`, message: i.message })),
      "Invalid query parameters",
    );
  }
  const p = parsed.data;
  const cursor = p.cursor ? decodeCursor(p.cursor) : undefined;
  if (cursor === null) throw new ValidationError([{ path: "query.cursor", message: "is not a cursor this API returned" }]);
  const from = p.from ? new Date(p.from) : undefined;
  const to = p.to ? new Date(p.to) : undefined;
  if (from && to && from >= to) throw new ValidationError([{ path: "query.from", message: "must be before `to`" }]);
  return { from, to, model: p.model, route: p.route, limit: p.limit ?? 50, cursor };
}
