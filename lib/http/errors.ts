import { isDatabaseUnavailableError } from "@/db/client";
import { RateLimitedError, ServiceError, UnavailableError } from "@/lib/services/errors";

export type ErrorBody = { error: { code: string; message: string; details?: Array<{ path: string; message: string }> } };

/**
 * The one mapping from thrown errors to HTTP answers. Service errors carry
 * their status, code and field paths; a database that cannot be reached is a
 * 503 the client may retry; anything else is a 500 whose details stay in the
 * server log.
 */
export function errorResponse(error: unknown): Response {
  if (!(error instanceof ServiceError) && isDatabaseUnavailableError(error)) {
    console.error("[driftline] database unavailable:", error instanceof Error ? error.message : error);
    error = new UnavailableError("The database is unavailable; retry later");
  }
  if (error instanceof ServiceError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details) body.error.details = error.details;
    const headers = new Headers();
    if (error instanceof RateLimitedError) headers.set("Retry-After", String(error.retryAfterSeconds));
    if (error instanceof UnavailableError) headers.set("Retry-After", "5");
    return Response.json(body, { status: error.status, headers });
  }
  console.error("[driftline] unexpected error:", error);
  const body: ErrorBody = { error: { code: "internal_error", message: "Something went wrong on our side." } };
  return Response.json(body, { status: 500 });
}
