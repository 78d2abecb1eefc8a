import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bearerToken } from "./api-key-auth";
import { apiKeyPrefix, generateApiKey, hashApiKey } from "./api-keys";

describe("API keys", () => {
  it("generates distinct dl_ keys of 43 characters", () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const key of keys) expect(key).toMatch(/^dl_[0-9A-Za-z]{40}$/);
  });

  it("stores the SHA-256 hex digest", () => {
    expect(hashApiKey("dl_example")).toBe(createHash("sha256").update("dl_example").digest("hex"));
  });

  it("shows a prefix that never reveals the whole key", () => {
    expect(apiKeyPrefix("dl_e2e_operator_key_0123456789")).toBe("dl_e2e_ope");
    expect(apiKeyPrefix("abcdefghijkl")).toBe("abcd");
  });

  it("reads bearer tokens and bare keys", () => {
    expect(bearerToken("Bearer dl_abc")).toBe("dl_abc");
    expect(bearerToken("bearer   dl_abc  ")).toBe("dl_abc");
    expect(bearerToken("dl_abc")).toBe("dl_abc");
    expect(bearerToken("Basic a b")).toBeNull();
    expect(bearerToken("")).toBeNull();
    expect(bearerToken(null)).toBeNull();
  });
});
