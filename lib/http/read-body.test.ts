import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import { MAX_JSON_BODY_BYTES, readJsonObject } from "./read-body";

const post = (body: string | null, headers: Record<string, string> = {}) =>
  new Request("http://localhost/api/v1/monitors", { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe("readJsonObject", () => {
  it("reads a JSON object", async () => {
    expect(await readJsonObject(post('{"name":"x","n":1}'))).toEqual({ name: "x", n: 1 });
  });

  it("reads an empty or blank body as {}", async () => {
    expect(await readJsonObject(post(null))).toEqual({});
    expect(await readJsonObject(post(""))).toEqual({});
    expect(await readJsonObject(post(" \n"))).toEqual({});
  });

  it.each([["an array", "[1]"], ["a string", '"x"'], ["null", "null"], ["a number", "3"]])("refuses %s with invalid_payload at path body", async (_, body) => {
    const error = await failure(readJsonObject(post(body)));
    expect(error.code).toBe("invalid_payload");
    expect(error.details).toEqual([{ path: "body", message: "must be a JSON object" }]);
  });

  it("refuses malformed JSON with invalid_payload at path body", async () => {
    const error = await failure(readJsonObject(post("{")));
    expect(error.code).toBe("invalid_payload");
    expect(error.details).toEqual([{ path: "body", message: "is not valid JSON" }]);
  });

  it("refuses a body over the cap (64 KiB unless given) with payload_too_large", async () => {
    const big = JSON.stringify({ text: "x".repeat(MAX_JSON_BODY_BYTES) });
    expect((await failure(readJsonObject(post(big)))).code).toBe("payload_too_large");
    expect(await readJsonObject(post(big), 1024 * 1024)).toEqual({ text: "x".repeat(MAX_JSON_BODY_BYTES) });
    expect((await failure(readJsonObject(post('{"a":"bcdefgh"}'), 8))).code).toBe("payload_too_large");
  });
});
