import { z } from "zod";
import { PayloadError, ValidationError } from "@/lib/errors";
import { readBody } from "./read-body";

const isoDate = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z" });
const limit = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(max, `must be at most ${max}`));

function parseQuery<T extends z.ZodType>(schema: T, search: URLSearchParams): z.output<T> {
  const parsed = schema.safeParse(Object.fromEntries(search.entries()));
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => ({ path: `query.${i.path.join(".")}`, message: i.message })),
      "Invalid query parameters",
    );
  }
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

/** A JSON object body of at most 64 KiB, or a 400/413 naming the problem. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const bytes = await readBody(request, 64 * 1024);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new PayloadError("invalid_payload", "The body is not valid JSON", [{ path: "body", message: "is not valid JSON" }]);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new PayloadError("invalid_payload", "The body must be a JSON object", [{ path: "body", message: "must be a JSON object" }]);
  }
  return value as Record<string, unknown>;
}
