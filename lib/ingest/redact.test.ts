import { describe, expect, it } from "vitest";
import { DEFAULT_REDACTION, parseRedactionSetting, redactText, redactTrace, REDACTION_KINDS } from "./redact";
import type { NormalizedTrace } from "./types";

const r = (text: string, setting?: string) => redactText(text, setting === undefined ? DEFAULT_REDACTION : parseRedactionSetting(setting));

describe("redactText", () => {
  it.each([
    ["mail me at jane.doe+tag@example.co.uk today", "mail me at [EMAIL] today", "email"],
    ["call +1 (415) 555-0134 or 415-555-0199", "call [PHONE] or [PHONE]", "phone"],
    ["Berlin: +49 30 1234567.", "Berlin: [PHONE].", "phone"],
    ["card 4111 1111 1111 1111 exp 12/27", "card [CREDIT_CARD] exp 12/27", "credit_card"],
    ["amex 378282246310005, mc 5555-5555-5555-4444", "amex [CREDIT_CARD], mc [CREDIT_CARD]", "credit_card"],
    ["order 12 4242 4242 4242 4242 shipped", "order 12 [CREDIT_CARD] shipped", "credit_card"],
    ["IBAN DE89 3704 0044 0532 0130 00 please", "IBAN [IBAN] please", "iban"],
    ["GB82WEST12345698765432", "[IBAN]", "iban"],
    ["SSN 123-45-6789.", "SSN [SSN].", "ssn"],
    ["from 192.168.1.20.", "from [IP_ADDRESS].", "ip"],
    ["v6 2001:db8::8a2e:370:7334 and ::ffff:10.0.0.1 and ::1", "v6 [IP_ADDRESS] and [IP_ADDRESS] and [IP_ADDRESS]", "ip"],
    ["key sk-proj-abc123DEF456ghi789JKL012mno345", "key [SECRET]", "secret"],
    ["AKIAIOSFODNN7EXAMPLE", "[SECRET]", "secret"],
    [`token ghp_${"a1".repeat(18)} ok`, "token [SECRET] ok", "secret"],
    ["Authorization: Bearer abcdef0123456789abcdef", "Authorization: Bearer [SECRET]", "secret"],
    [
      "jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end",
      "jwt [SECRET] end",
      "secret",
    ],
    ['{"api_key": "9f8e7d6c5b4a"}', '{"api_key": "[SECRET]"}', "secret"],
  ])("redacts %j", (input, expected, kind) => {
    const out = r(input);
    expect(out.text).toBe(expected);
    expect(Object.keys(out.counts)).toEqual([kind]);
  });

  it.each([
    "4111 1111 1111 1112", // Luhn fails
    "4242424242424241", // Luhn fails
    "1234 5678 9012 3456", // not a card prefix
    "0000 0000 0000 0000",
    "ts 1736938800000 and ns 1736938800000000000",
    "GB82 WEST 1234 5698 7654 33", // mod-97 fails
    "000-12-3456 and 666-12-3456",
    "released v1.2.3.4 at 12:30:45 on 2024-01-15",
    "256.1.1.1 is not an address",
    "std::vector<int> and a::b",
    "pip install sk-learn-is-a-python-library",
    "The task took 1500 ms and cost $0.0012 for 52 tokens",
    "mac 00:1a:2b:3c:4d:5e",
    "call 555-0134",
  ])("leaves %j alone", (input) => {
    expect(r(input)).toEqual({ text: input, counts: {} });
  });

  it("counts per kind and honours the chosen kinds", () => {
    const text = "a@b.io, c@d.io, 4111111111111111, 10.0.0.1";
    expect(r(text).counts).toEqual({ email: 2, credit_card: 1, ip: 1 });
    expect(r(text, "email").text).toBe("[EMAIL], [EMAIL], 4111111111111111, 10.0.0.1");
    expect(r(text, "off")).toEqual({ text, counts: {} });
  });

  it("stays linear on long adversarial input", () => {
    const long = `${"a.".repeat(200_000)}@${"1-".repeat(100_000)}`;
    const t0 = performance.now();
    r(long);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe("parseRedactionSetting", () => {
  it("accepts off, default and comma lists with aliases", () => {
    expect([...parseRedactionSetting(undefined).kinds]).toEqual([...REDACTION_KINDS]);
    expect([...parseRedactionSetting("default").kinds]).toEqual([...REDACTION_KINDS]);
    expect(parseRedactionSetting(" OFF ").kinds.size).toBe(0);
    expect([...parseRedactionSetting("email, card,ipv6 ,api_key").kinds]).toEqual(["email", "credit_card", "ip", "secret"]);
  });

  it("refuses unknown names", () => {
    expect(() => parseRedactionSetting("email,passport")).toThrow(/unknown redaction kind "passport"/);
  });
});

describe("redactTrace", () => {
  it("redacts prompt, response, parts, error and metadata, not identifiers", () => {
    const trace: NormalizedTrace = {
      externalId: "x",
      timestamp: new Date(0),
      provider: null,
      model: null,
      modelVersion: null,
      route: null,
      prompt: [{ role: "user", content: "I am bob@example.com", parts: [{ type: "tool_call", arguments: { card: "4111111111111111" } }] }],
      response: "Noted, bob@example.com",
      latencyMs: null,
      ttftMs: null,
      inputTokens: null,
      outputTokens: null,
      costUsd: null,
      status: "error",
      error: "upstream 10.1.2.3 refused",
      finishReason: null,
      userId: "bob@example.com",
      sessionId: null,
      tags: [],
      metadata: { note: "ssn 123-45-6789", n: 5 },
      scores: {},
    };
    const { trace: out, counts } = redactTrace(trace);
    expect(out.prompt).toEqual([
      { role: "user", content: "I am [EMAIL]", parts: [{ type: "tool_call", arguments: { card: "[CREDIT_CARD]" } }] },
    ]);
    expect(out.response).toBe("Noted, [EMAIL]");
    expect(out.error).toBe("upstream [IP_ADDRESS] refused");
    expect(out.metadata).toEqual({ note: "ssn [SSN]", n: 5 });
    expect(out.userId).toBe("bob@example.com");
    expect(counts).toEqual({ email: 2, credit_card: 1, ip: 1, ssn: 1 });
    expect(trace.response).toBe("Noted, bob@example.com"); // input untouched
  });
});
