import type { FieldError } from "../types";

/**
 * A request the caller got wrong, with the HTTP status to answer: 400 malformed,
 * 413 too large, 415 unsupported media type or encoding. Route handlers map it
 * to a response; anything else thrown is our bug (500).
 */
export class IngestError extends Error {
  readonly status: 400 | 413 | 415;
  /** Where in the body the problem is (`resourceSpans[0].scopeSpans[0].spans[2].traceId`), "" for the whole body. */
  readonly path: string;
  /** The message without the path. */
  readonly detail: string;

  constructor(status: 400 | 413 | 415, detail: string, path = "") {
    super(path ? `${path}: ${detail}` : detail);
    this.name = "IngestError";
    this.status = status;
    this.path = path;
    this.detail = detail;
  }

  /** The `[{path, message}]` shape every ingest answer uses. */
  get errors(): FieldError[] {
    return [{ path: this.path, message: this.detail }];
  }
}
