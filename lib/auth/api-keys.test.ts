import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { apiKeyCredentials, bearerToken } from "./api-key-auth";
import { apiKeyHint, generateApiKey, hashApiKey } from "./api-keys";

describe("API keys", () => {
  it("generates distinct dl_ keys of 43 characters", () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const key of keys) expect(key).toMatch(/^dl_[0-9A-Za-z]{40}$/);
  });

  it("stores the SHA-256 hex digest", () => {
    expect(hashApiKey("dl_example")).toBe(createHash("sha256").update("dl_example").digest("hex"));
  });

  it("identifies a key by its last characters and never reveals most of it", () => {
    expect(apiKeyHint("dl_e2e_operator_key_0123456789")).toBe("dl_…6789");
    const key = generateApiKey();
    expect(apiKeyHint(key)).toBe(`dl_…${key.slice(-4)}`);
    expect(apiKeyHint("abcdefghijkl")).toBe("…jkl");
    expect(apiKeyHint("dl_abc")).toBe("…c");
    expect(apiKeyHint("abc")).toBe("…");
  });

  it("reads bearer tokens and bare keys", () => {
    expect(bearerToken("Bearer dl_abc")).toBe("dl_abc");
    expect(bearerToken("bearer   dl_abc  ")).toBe("dl_abc");
    expect(bearerToken("dl_abc")).toBe("dl_abc");
    expect(bearerToken("Basic a b")).toBeNull();
    expect(bearerToken("")).toBeNull();
    expect(bearerToken(null)).toBeNull();
  });

  it("reads HTTP Basic as the project slug and its key (the Langfuse SDKs' public and secret key)", () => {
    const basic = (pair: string) => `Basic ${Buffer.from(pair).toString("base64")}`;
    expect(apiKeyCredentials(basic("shop:dl_abc:def"))).toEqual({ projectSlug: "shop", token: "dl_abc:def" });
    expect(apiKeyCredentials(`  basic ${Buffer.from("shop:dl_abc").toString("base64")} `)).toEqual({
      projectSlug: "shop",
      token: "dl_abc",
    });
    expect(apiKeyCredentials("Bearer dl_abc")).toEqual({ projectSlug: null, token: "dl_abc" });
    expect(apiKeyCredentials(basic(":dl_abc"))).toBeNull();
    expect(apiKeyCredentials(basic("shop:"))).toBeNull();
    expect(apiKeyCredentials(basic("shop"))).toBeNull();
    expect(apiKeyCredentials(basic("shop:dl abc"))).toBeNull();
    expect(apiKeyCredentials(null)).toBeNull();
  });
});
