import type { ErrorBody } from "./errors";

/**
 * Answers a path nobody serves under the machine-facing prefixes (`/v1/*`,
 * `/api/v1/*`, `/api/public/*`) with a JSON 404 in the API's error shape:
 * an exporter or SDK pointed at the wrong path reads why, where Next's HTML
 * page would only fail to parse. Mounted by catch-all routes, which Next
 * tries only after every real route.
 */
function unknownRoute(request: Request): Response {
  const { pathname } = new URL(request.url);
  const body: ErrorBody = {
    error: { code: "not_found", message: `No endpoint at ${request.method} ${pathname}; see docs/ingest.md and docs/clients.md for the ones there are` },
  };
  return Response.json(body, { status: 404, headers: { "cache-control": "no-store" } });
}

/** Every method a client may use, so none falls through to Next's own answer. */
export const unknownRouteHandlers = {
  GET: unknownRoute,
  POST: unknownRoute,
  PUT: unknownRoute,
  PATCH: unknownRoute,
  DELETE: unknownRoute,
  OPTIONS: unknownRoute,
};
