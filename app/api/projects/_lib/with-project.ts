import type { Database } from "@/db/client";
import { getProjectAccess, requireApiUser, type ProjectAccess } from "@/lib/auth/current-user";
import { errorResponse } from "@/lib/http/errors";
import { parsePeriodSelection, resolvePeriod, type Period } from "@/lib/period";
import type { ServiceContext } from "@/lib/services/context";
import { CrossOriginError, PayloadError, ValidationError } from "@/lib/errors";
import { FRESH_WRITE_COOKIE, FRESH_WRITE_SECONDS, getDatabase, getReadDatabase } from "@/lib/server/database";

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
 * services check the role (403). Mutating methods must come from this origin
 * (403 otherwise, see assertSameOriginJson) and send JSON.
 */
export function withProject<P extends { project: string }>(
  handler: (request: Request, ctx: ProjectRouteContext, params: P) => Promise<Response>,
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    try {
      const params = await context.params;
      // The session and the membership are read on the primary: a revoked session or membership ends at once.
      const user = await requireApiUser();
      const reading = request.method === "GET" || request.method === "HEAD";
      if (!reading) assertSameOriginJson(request);
      const access = await getProjectAccess(user, params.project);
      const handle = reading ? await getReadDatabase(wroteRecently(request)) : await getDatabase();
      const response = await handler(
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
      return reading || !handle.read ? response : markFreshWrite(response);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

function wroteRecently(request: Request): boolean {
  return (request.headers.get("cookie") ?? "").split(";").some((part) => part.trim().startsWith(`${FRESH_WRITE_COOKIE}=`));
}

/**
 * After a write with a replica configured: the fresh-write cookie, so this
 * user's next reads (the page they open after saving) go to the primary for
 * a few seconds instead of a replica that may not have replayed the write.
 */
function markFreshWrite(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.append("set-cookie", `${FRESH_WRITE_COOKIE}=1; Max-Age=${FRESH_WRITE_SECONDS}; Path=/; HttpOnly; SameSite=Lax`);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * CSRF defence for cookie-authenticated mutations: a browser names the page
 * that sent a request in Sec-Fetch-Site and Origin; anything but this origin
 * is refused (403). Clients that send neither are not browsers and so carry
 * no ambient cookie on someone else's behalf. The JSON content type keeps
 * plain cross-site forms out as well (415).
 */
export function assertSameOriginJson(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw new CrossOriginError();
  const origin = request.headers.get("origin");
  if (origin) {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      // "null" or garbage: not this origin
    }
    if (!host || originHost !== host) throw new CrossOriginError();
  }
  const type = request.headers.get("content-type") ?? "";
  if (request.method !== "DELETE" && !type.toLowerCase().startsWith("application/json")) {
    throw new PayloadError("unsupported_media_type", "Send the body as application/json");
  }
}

export async function readJson(request: Request): Promise<Record<string, unknown>> {
  try {
    const body = (await request.json()) as unknown;
    if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new PayloadError("invalid_payload", "The body must be a JSON object");
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
