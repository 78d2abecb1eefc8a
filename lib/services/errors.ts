/** The one error family services throw; route handlers map it to HTTP (lib/http/errors.ts). */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends ServiceError {
  constructor(details: Array<{ path: string; message: string }>, message = "Invalid input") {
    super("invalid_input", message, 422, details);
  }
}

export class UnauthenticatedError extends ServiceError {
  constructor(message = "Authentication required") {
    super("unauthenticated", message, 401);
  }
}

export class ForbiddenError extends ServiceError {
  constructor(message = "Your role does not allow this") {
    super("forbidden", message, 403);
  }
}

/** A cookie-authenticated mutation sent from another site (CSRF). */
export class CrossOriginError extends ServiceError {
  constructor() {
    super("cross_origin", "Cross-origin requests are not accepted", 403);
  }
}

export class NotFoundError extends ServiceError {
  constructor(what: string) {
    super("not_found", `${what} not found`, 404);
  }
}

export class ConflictError extends ServiceError {
  constructor(message: string) {
    super("conflict", message, 409);
  }
}

export class PayloadError extends ServiceError {
  constructor(status: 400 | 413 | 415, message: string, details?: Array<{ path: string; message: string }>) {
    super(status === 413 ? "payload_too_large" : status === 415 ? "unsupported_media_type" : "invalid_payload", message, status, details);
  }
}

export class RateLimitedError extends ServiceError {
  constructor(readonly retryAfterSeconds: number) {
    super("rate_limited", `Too many requests for this API key; retry after ${retryAfterSeconds} s`, 429);
  }
}

/** The database could not take the batch; nothing of it was stored, so the caller may retry. */
export class UnavailableError extends ServiceError {
  constructor(message = "The database is unavailable; nothing was stored, retry later") {
    super("unavailable", message, 503);
  }
}
