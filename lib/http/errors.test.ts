import { describe, expect, it } from "vitest";
import { UnauthenticatedError } from "@/lib/errors";
import { errorResponse } from "./errors";

/** An error shaped like the ones `pg` raises: a message and a Node or SQLSTATE code. */
function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

describe("errorResponse", () => {
  it.each([
    ["a refused connection", pgError("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
    ["a connection cut mid-query", pgError("Connection terminated unexpectedly")],
    ["a connect timeout", pgError("timeout exceeded when trying to connect")],
    ["a server shutting down", pgError("terminating connection due to administrator command", "57P01")],
    ["a connection exception class", pgError("connection failure", "08006")],
    ["a driver error wrapped by the query builder", new Error("Failed query: select 1", { cause: pgError("read ECONNRESET", "ECONNRESET") })],
  ])("answers 503 with Retry-After for %s", async (_, error) => {
    const response = errorResponse(error);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toEqual({ error: { code: "unavailable", message: "The database is unavailable; retry later" } });
  });

  it("keeps 500 for a statement that is wrong, without its details", async () => {
    const response = errorResponse(pgError('syntax error at or near "selec"', "42601"));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: "internal_error", message: "Something went wrong on our side." } });
  });

  it("answers domain errors with the status their code maps to", () => {
    expect(errorResponse(new UnauthenticatedError()).status).toBe(401);
  });
});
