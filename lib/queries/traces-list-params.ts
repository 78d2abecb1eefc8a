import { z } from "zod";
import { ValidationError } from "@/lib/errors";
import type { TraceSearch } from "./traces-list";
import { decodeCursor } from "@/lib/queries/trace-cursor";

const isoDate = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z" });

const schema = z.object({
  model: z.string().min(1).max(256).optional(),
  route: z.string().min(1).max(256).optional(),
  status: z.enum(["ok", "error", "refused"], "must be ok, error or refused").optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  q: z.string().trim().max(200, "must be at most 200 characters").optional(),
  limit: z
    .string()
    .regex(/^\d+$/, "must be a whole number from 1 to 200")
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(200, "must be at most 200"))
    .optional(),
  cursor: z.string().max(200).optional(),
});


/** The trace table's query string → a search, or a 422 naming each bad parameter. Empty values mean "any". */
export function parseTraceSearch(search: URLSearchParams): TraceSearch {
  const raw = Object.fromEntries([...search.entries()].filter(([, v]) => v !== ""));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((i) => ({ path: `query.${i.path.join(".")}`, message: i.message })), "Invalid query parameters");
  }
  const p = parsed.data;
  const cursor = p.cursor ? decodeCursor(p.cursor) : undefined;
  if (cursor === null) throw new ValidationError([{ path: "query.cursor", message: "is not a cursor this API returned" }]);
  const from = p.from ? new Date(p.from) : undefined;
  const to = p.to ? new Date(p.to) : undefined;
  if (from && to && from >= to) throw new ValidationError([{ path: "query.from", message: "must be before `to`" }]);
  return { model: p.model, route: p.route, status: p.status, from, to, q: p.q || undefined, limit: p.limit ?? 50, cursor };
}
