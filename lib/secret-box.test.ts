import { describe, expect, it } from "vitest";
import { SecretKeyMissingError, SecretUnreadableError, secretBox, secretHint, serverSecretBox } from "./secret-box";

const master = "correct horse battery staple, thirty-two+ chars";

describe("secret box", () => {
  it("seals with a fresh nonce each time and opens what it sealed", () => {
    const box = secretBox(master);
    const a = box.seal("sk-live-1234567890abcd");
    const b = box.seal("sk-live-1234567890abcd");
    expect(a).not.toBe(b);
    expect(a).not.toContain("sk-live");
    expect(box.open(a)).toBe("sk-live-1234567890abcd");
    expect(secretBox(master).open(b)).toBe("sk-live-1234567890abcd");
  });

  it("names a value sealed under another key, and refuses an altered one", () => {
    const sealed = secretBox(master).seal("secret");
    const other = secretBox(`${master}!`);
    expect(() => other.open(sealed)).toThrow(SecretUnreadableError);
    expect(() => other.open(sealed)).toThrow(/another DRIFTLINE_SECRET_KEY/);
    const parts = sealed.split(".");
    parts[4] = Buffer.from("tampered").toString("base64url");
    expect(() => secretBox(master).open(parts.join("."))).toThrow(/altered/);
    expect(() => secretBox(master).open("plain text")).toThrow(/unknown format/);
  });

  it("needs the server's secret key, of at least 32 characters", () => {
    expect(() => serverSecretBox({})).toThrow(SecretKeyMissingError);
    expect(() => serverSecretBox({ DRIFTLINE_SECRET_KEY: "  " })).toThrow(/DRIFTLINE_SECRET_KEY is not set/);
    expect(() => serverSecretBox({ DRIFTLINE_SECRET_KEY: "short" })).toThrow(/at least 32/);
    expect(serverSecretBox({ DRIFTLINE_SECRET_KEY: master }).keyId).toBe(secretBox(master).keyId);
  });

  it("shows a secret by its last four characters only", () => {
    expect(secretHint("sk-proj-abcdefghijklmnop")).toBe("…mnop");
    expect(secretHint("short")).toBe("…");
  });
});
