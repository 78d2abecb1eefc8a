import type { Database } from "@/db/client";
import { getProjectAccess, requireApiUser, type ProjectAccess } from "@/lib/auth/current-user";
import { errorResponse } from "@/lib/http/errors";
import { parsePeriodSelection, resolvePeriod, type Period } from "@/lib/charts/period";
import type { ServiceContext } from "@/lib/services/context";
import { PayloadError, ValidationError } from "@/lib/services/errors";
import { getDatabase } from "@/lib/server/database";

export type ProjectRouteContext = {
  access: ProjectAccess;
  db: Database;
  handle: Awaited<ReturnType<typeof getDatabase>>;
  /** For services: this user acting with their role in this project. */
  service: ServiceContext;
  url: URL;
};

/**
 * The wrapper of every dashboard route under /api/projects/[project]: signed-in
 * user (401), membership (404 — slugs do not leak), then the handler; the
 * services check the role (403). Mutating methods must send JSON from this
 * origin, which a cross-site form cannot do.
 */
export function withProject<P extends { project: string }>(
  handler: (request: Request, ctx: ProjectRouteContext, params: P) => Promise<Response>,
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    try {
      const params = await context.params;
      const user = await requireApiUser();
      const access = await getProjectAccess(user, params.project);
      if (request.method !== "GET" && request.method !== "HEAD") assertSameOriginJson(request);
      const handle = await getDatabase();
      return await handler(
        request,
        {
          access,
          db: handle.db,
          handle,
          service: { db: handle.db, actor: { kind: "user", userId: user.id, role: access.role } },
          url: new URL(request.url),
        },
        params,
      );
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function assertSameOriginJson(request: Request): void {
  const type = request.headers.get("content-type") ?? "";
  if (request.method !== "DELETE" && !type.toLowerCase().startsWith("application/json")) {
    throw new PayloadError(415, "Send the body as application/json");
  }
  const origin = request.headers.get("origin");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (origin && host) {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      // "null" or garbage: not this origin
    }
    if (originHost !== host) throw new PayloadError(400, "Cross-origin requests are not accepted");
  }
}

export async function readJson(request: Request): Promise<Record<string, unknown>> {
  try {
    const body = (await request.json()) as unknown;
    if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new PayloadError(400, "The body must be a JSON object");
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
