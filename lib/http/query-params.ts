/**
 * Query-string parsers of the read routes (both trees): each turns the search
 * parameters into a filter, or a 422 naming each bad parameter as `query.<name>`.
 */
import { z } from "zod";
import { ValidationError } from "@/lib/errors";
import { parsePeriodSelection, resolvePeriod, type Period } from "@/lib/period";
import { decodeCursor } from "@/lib/queries/trace-cursor";
import type { TraceListFilter } from "@/lib/queries/traces-list";

const isoDate = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z" });
const limit = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(max, `must be at most ${max}`));

function invalidQuery(issues: z.core.$ZodIssue[]): ValidationError {
  return new ValidationError(
    issues.map((i) => ({ path: `query.${i.path.join(".")}`, message: i.message })),
    "Invalid query parameters",
  );
}

function parseQuery<T extends z.ZodType>(schema: T, search: URLSearchParams): z.output<T> {
  const parsed = schema.safeParse(Object.fromEntries(search.entries()));
  if (!parsed.success) throw invalidQuery(parsed.error.issues);
  return parsed.data;
}

export function parseResultParams(search: URLSearchParams) {
  const p = parseQuery(
    z.object({ from: isoDate.optional(), to: isoDate.optional(), limit: limit(5000).optional(), artefacts: z.enum(["0", "1"]).optional() }),
    search,
  );
  return { from: p.from ? new Date(p.from) : undefined, to: p.to ? new Date(p.to) : undefined, limit: p.limit, artefacts: p.artefacts !== "0" };
}

export function parseVersionChangeParams(search: URLSearchParams) {
  return parseQuery(
    z.object({
      provider: z.string().min(1).max(256).optional(),
      model: z.string().min(1).max(256).optional(),
      status: z.enum(["pending", "regression", "improvement", "no_significant_change"]).optional(),
      limit: limit(1000).optional(),
    }),
    search,
  );
}

export function parseAlertParams(search: URLSearchParams) {
  return parseQuery(
    z.object({ state: z.enum(["firing", "resolved"]).optional(), monitorId: z.uuid().optional(), limit: limit(1000).optional() }),
    search,
  );
}

const traceListSchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  model: z.string().min(1).max(256).optional(),
  route: z.string().min(1).max(256).optional(),
  status: z.enum(["ok", "error", "refused"], "must be ok, error or refused").optional(),
  q: z.string().trim().max(200, "must be at most 200 characters").optional(),
  limit: limit(500).optional(),
  cursor: z.string().max(200).optional(),
});

/**
 * The one trace-list contract (`GET /api/v1/traces`, the dashboard's
 * `/api/projects/[p]/traces` and its page): `?from&to&model&route&status&q&limit&cursor`.
 * An empty value means "any"; `limit` defaults to 50, at most 500.
 */
export function parseTraceListParams(search: URLSearchParams): TraceListFilter {
  const raw = Object.fromEntries([...search.entries()].filter(([, v]) => v !== ""));
  const parsed = traceListSchema.safeParse(raw);
  if (!parsed.success) throw invalidQuery(parsed.error.issues);
  const p = parsed.data;
  const cursor = p.cursor ? decodeCursor(p.cursor) : undefined;
  if (cursor === null) throw new ValidationError([{ path: "query.cursor", message: "is not a cursor this API returned" }]);
  const from = p.from ? new Date(p.from) : undefined;
  const to = p.to ? new Date(p.to) : undefined;
  if (from && to && from >= to) throw new ValidationError([{ path: "query.from", message: "must be before `to`" }]);
  return { from, to, model: p.model, route: p.route, status: p.status, q: p.q || undefined, limit: p.limit ?? 50, cursor };
}

/** ?range&from&to → the period, or 422 naming each bad parameter. */
export function periodFromSearch(url: URL): Period {
  const parsed = parsePeriodSelection({
    range: url.searchParams.get("range"),
    from: url.searchParams.get("from"),
    to: url.searchParams.get("to"),
  });
  if (!parsed.ok) throw new ValidationError(parsed.errors, "Invalid query parameters");
  return resolvePeriod(parsed.value);
}

export function enumParam<T extends string>(url: URL, name: string, values: readonly T[], fallback: T): T {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if ((values as readonly string[]).includes(raw)) return raw as T;
  throw new ValidationError([{ path: `query.${name}`, message: `must be one of ${values.join(", ")}` }], "Invalid query parameters");
}
