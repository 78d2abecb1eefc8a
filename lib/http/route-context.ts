import type { Database, DatabaseHandle } from "@/db/client";
import type { ProjectRole } from "@/db/schema";
import { authenticateApiKey } from "@/lib/auth/api-key-auth";
import { getProjectAccess, requireApiUser } from "@/lib/server/current-user";
import { env } from "@/lib/env";
import { CrossOriginError, PayloadError, RateLimitedError, UnavailableError } from "@/lib/errors";
import { parseRedactionSetting, type RedactionOptions } from "@/lib/ingest/redact";
import type { ServiceContext } from "@/lib/services/context";
import { FRESH_WRITE_COOKIE, FRESH_WRITE_SECONDS, getDatabase, getReadDatabase } from "@/lib/server/database";
import { errorResponse } from "./errors";
import { RateLimiter } from "./rate-limit";

/** Who called: a project API key, or a signed-in member with their role in the project. */
export type RouteActor = { kind: "api_key"; keyId: string } | { kind: "user"; userId: string; role: ProjectRole };

/**
 * The one context of every project route, whichever way the caller signed
 * in: the database, the project, and who acts. Handlers shared by the
 * API-key tree (/api/v1) and the session tree (/api/projects/[project]) take
 * only this.
 */
export type RouteContext = {
  db: Database;
  /** The database with its embedder (the similarity and backlog read models need it). */
  handle: DatabaseHandle;
  projectId: string;
  actor: RouteActor;
  /** The actor as the services see it (see serviceContext): services check the permission. */
  service: ServiceContext;
  /** The tree's project prefix, for `Location` headers: `/api/v1` or `/api/projects/<slug>`. */
  base: string;
  url: URL;
  /** The project's PII redaction setting, applied at ingest. */
  redaction: RedactionOptions;
};

type Handler<P> = (request: Request, ctx: RouteContext, params: P) => Promise<Response>;
type NextHandler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

/**
 * The one place a caller becomes an actor for the services: an API key is the
 * operator of its own project (it can reach no other: the project comes from
 * the key); a member acts with their role, which the service checks
 * (`authorize`, 403).
 */
export function serviceContext(db: Database, actor: RouteActor): ServiceContext {
  return { db, actor: actor.kind === "api_key" ? { kind: "operator" } : { kind: "user", userId: actor.userId, role: actor.role } };
}

async function openDatabase(): Promise<DatabaseHandle> {
  try {
    return await getDatabase();
  } catch {
    throw new UnavailableError();
  }
}

type Global = typeof globalThis & { __driftlineRateLimiter?: RateLimiter };
function limiter(): RateLimiter {
  const store = globalThis as Global;
  const rate = env().DRIFTLINE_RATE_LIMIT ?? 50;
  store.__driftlineRateLimiter ??= new RateLimiter(rate, rate * 2);
  return store.__driftlineRateLimiter;
}

/**
 * Entry point of every route authenticated by a project API key: database,
 * key (401), rate limit (429), then the handler; every error is answered
 * through the one error mapper.
 */
export function withApiKey<P>(handler: Handler<P>): NextHandler<P> {
  return async (request, context) => {
    try {
      const primary = await openDatabase();
      // The key is looked up on the primary (a revoked key stops at once); a GET then reads from the replica
      // when DATABASE_READ_URL names one (docs/deploy.md, "Read replica").
      const principal = await authenticateApiKey(primary.db, request.headers.get("authorization"));
      const wait = limiter().take(principal.keyId);
      if (wait > 0) throw new RateLimitedError(wait);
      const handle = isRead(request) ? await getReadDatabase() : primary;
      const actor: RouteActor = { kind: "api_key", keyId: principal.keyId };
      const ctx: RouteContext = {
        db: handle.db,
        handle,
        projectId: principal.projectId,
        actor,
        service: serviceContext(handle.db, actor),
        base: "/api/v1",
        url: new URL(request.url),
        redaction: parseRedactionSetting(principal.redaction),
      };
      return await handler(request, ctx, await context.params);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/**
 * Entry point of every dashboard route under /api/projects/[project]:
 * signed-in user (401), same-origin JSON for mutations (403/415, see
 * assertSameOriginJson), membership (404 — slugs do not leak), then the
 * handler; the services check the role (403).
 */
export function withProject<P extends { project: string }>(handler: Handler<P>): NextHandler<P> {
  return async (request, context) => {
    try {
      const params = await context.params;
      // The session and the membership are read on the primary: a revoked session or membership ends at once.
      const user = await requireApiUser();
      const reading = isRead(request);
      if (!reading) assertSameOriginJson(request);
      const access = await getProjectAccess(user, params.project);
      const handle = reading ? await getReadDatabase(wroteRecently(request)) : await openDatabase();
      const actor: RouteActor = { kind: "user", userId: user.id, role: access.role };
      const ctx: RouteContext = {
        db: handle.db,
        handle,
        projectId: access.project.id,
        actor,
        service: serviceContext(handle.db, actor),
        base: `/api/projects/${encodeURIComponent(access.project.slug)}`,
        url: new URL(request.url),
        redaction: parseRedactionSetting(access.project.redaction),
      };
      const response = await handler(request, ctx, params);
      return reading || !handle.read ? response : markFreshWrite(response);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

function isRead(request: Request): boolean {
  return request.method === "GET" || request.method === "HEAD";
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
