/**
 * The one error family the domain throws. Each error carries a domain code
 * and, for caller mistakes, field paths; it knows nothing of HTTP. Route
 * handlers map codes to statuses in lib/http/errors.ts.
 */
export type ErrorCode =
  | "invalid_input"
  | "invalid_payload"
  | "unauthenticated"
  | "forbidden"
  | "cross_origin"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "unavailable";

export type ErrorDetail = { path: string; message: string };

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(details: ErrorDetail[], message = "Invalid input") {
    super("invalid_input", message, details);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = "Authentication required") {
    super("unauthenticated", message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "Your role does not allow this") {
    super("forbidden", message);
  }
}

/** A cookie-authenticated mutation sent from another site (CSRF). */
export class CrossOriginError extends DomainError {
  constructor() {
    super("cross_origin", "Cross-origin requests are not accepted");
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super("not_found", `${what} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super("conflict", message);
  }
}

export type PayloadProblem = "invalid_payload" | "payload_too_large" | "unsupported_media_type";

/** A body that cannot be read as a request at all (malformed, too large, wrong media type). */
export class PayloadError extends DomainError {
  constructor(problem: PayloadProblem, message: string, details?: ErrorDetail[]) {
    super(problem, message, details);
  }
}

/** The payload problem a wire decoder reported with its HTTP-style status (the ingest parsers speak statuses). */
export function payloadProblemOf(status: 400 | 413 | 415): PayloadProblem {
  return status === 413 ? "payload_too_large" : status === 415 ? "unsupported_media_type" : "invalid_payload";
}

export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super("rate_limited", `Too many requests for this API key; retry after ${retryAfterSeconds} s`);
  }
}

/** The database could not take the batch; nothing of it was stored, so the caller may retry. */
export class UnavailableError extends DomainError {
  constructor(message = "The database is unavailable; nothing was stored, retry later") {
    super("unavailable", message);
  }
}
