import { isDatabaseUnavailableError } from "@/db/client";
import { DomainError, RateLimitedError, UnavailableError, type ErrorCode } from "@/lib/errors";

export type ErrorBody = { error: { code: string; message: string; details?: Array<{ path: string; message: string }> } };

/** The one place domain error codes become HTTP statuses. */
export const STATUS_OF: Record<ErrorCode, number> = {
  invalid_payload: 400,
  unauthenticated: 401,
  forbidden: 403,
  cross_origin: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_input: 422,
  rate_limited: 429,
  unavailable: 503,
};

/**
 * The one mapping from thrown errors to HTTP answers. Domain errors carry
 * their code and field paths; a database that cannot be reached is a
 * 503 the client may retry; anything else is a 500 whose details stay in the
 * server log.
 */
export function errorResponse(error: unknown): Response {
  if (!(error instanceof DomainError) && isDatabaseUnavailableError(error)) {
    console.error("[driftline] database unavailable:", error instanceof Error ? error.message : error);
    error = new UnavailableError("The database is unavailable; retry later");
  }
  if (error instanceof DomainError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details) body.error.details = error.details;
    const headers = new Headers();
    if (error instanceof RateLimitedError) headers.set("Retry-After", String(error.retryAfterSeconds));
    if (error instanceof UnavailableError) headers.set("Retry-After", "5");
    return Response.json(body, { status: STATUS_OF[error.code], headers });
  }
  console.error("[driftline] unexpected error:", error);
  const body: ErrorBody = { error: { code: "internal_error", message: "Something went wrong on our side." } };
  return Response.json(body, { status: 500 });
}
