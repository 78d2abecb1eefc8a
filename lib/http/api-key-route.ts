import type { DatabaseHandle } from "@/db/client";
import { authenticateApiKey } from "@/lib/auth/api-key-auth";
import { env } from "@/lib/env";
import { parseRedactionSetting, type RedactionOptions } from "@/lib/ingest/redact";
import { RateLimitedError, UnavailableError } from "@/lib/errors";
import { getDatabase, getReadDatabase } from "@/lib/server/database";
import { errorResponse } from "./errors";
import { RateLimiter } from "./rate-limit";

export type ApiKeyContext = {
  handle: DatabaseHandle;
  projectId: string;
  keyId: string;
  redaction: RedactionOptions;
};

type Global = typeof globalThis & { __driftlineRateLimiter?: RateLimiter };
function limiter(): RateLimiter {
  const store = globalThis as Global;
  const rate = env().DRIFTLINE_RATE_LIMIT ?? 50;
  store.__driftlineRateLimiter ??= new RateLimiter(rate, rate * 2);
  return store.__driftlineRateLimiter;
}

/**
 * The wrapper of every route authenticated by a project API key: database,
 * key, rate limit, the project's settings, then the handler; every error is
 * answered through the one error mapper.
 */
export function withApiKey<P>(
  handler: (request: Request, ctx: ApiKeyContext, params: P) => Promise<Response>,
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    try {
      let handle: DatabaseHandle;
      try {
        handle = await getDatabase();
      } catch {
        throw new UnavailableError();
      }
      // The key is looked up on the primary (a revoked key stops at once); a GET then reads from the replica
      // when DATABASE_READ_URL names one (docs/deploy.md, "Read replica").
      const principal = await authenticateApiKey(handle.db, request.headers.get("authorization"));
      const wait = limiter().take(principal.keyId);
      if (wait > 0) throw new RateLimitedError(wait);
      const reading = request.method === "GET" || request.method === "HEAD";
      const ctx: ApiKeyContext = {
        handle: reading ? await getReadDatabase() : handle,
        projectId: principal.projectId,
        keyId: principal.keyId,
        redaction: parseRedactionSetting(principal.redaction),
      };
      return await handler(request, ctx, await context.params);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
