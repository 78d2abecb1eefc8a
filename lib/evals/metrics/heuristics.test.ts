import { describe, expect, it } from "vitest";
import { REDACTION_KINDS } from "../../ingest/redact";
import {
  compileJsonSchema,
  compileSafeRegex,
  countChars,
  countPii,
  countWords,
  detectLanguage,
  isEmptyResponse,
  isTruncated,
  jsonSchemaProblem,
  matchesAny,
  mayBacktrackUnboundedly,
  parseJsonResponse,
  regexProblem,
} from "./heuristics";

describe("empty and truncated responses", () => {
  it("empty: null or only whitespace", () => {
    expect(isEmptyResponse(null)).toBe(true);
    expect(isEmptyResponse(" \n\t")).toBe(true);
    expect(isEmptyResponse(".")).toBe(false);
  });

  it("truncated: a token-limit finish reason of any provider", () => {
    for (const reason of ["length", "max_tokens", "MAX_TOKENS", "max_output_tokens"]) {
      expect(isTruncated("A complete sentence.", reason, { midSentence: true })).toBe(true);
    }
    expect(isTruncated("A complete sentence.", "stop", { midSentence: true })).toBe(false);
  });

  it("truncated: stops where a sentence cannot end, unless the last line is a list, heading, table or code", () => {
    const mid = { midSentence: true };
    expect(isTruncated("To reset your password, open the settings and", null, mid)).toBe(true);
    expect(isTruncated("The steps are:", null, mid)).toBe(true);
    expect(isTruncated("Prices start at 12,", null, mid)).toBe(true);
    expect(isTruncated("Done. Anything else?", null, mid)).toBe(false);
    expect(isTruncated('He said "yes."', null, mid)).toBe(false);
    expect(isTruncated("Steps:\n- open settings\n- click reset", null, mid)).toBe(false);
    expect(isTruncated("## Summary", null, mid)).toBe(false);
    expect(isTruncated("```sql\nSELECT 1;\n```", null, mid)).toBe(false);
    expect(isTruncated("| a | b |", null, mid)).toBe(false);
    expect(isTruncated("No punctuation here", null, { midSentence: false })).toBe(false);
  });
});

describe("lengths", () => {
  it("counts code points and whitespace-separated words", () => {
    expect(countChars("héllo 🎉")).toBe(7);
    expect(countChars("")).toBe(0);
    expect(countWords("  one two\tthree\nfour  ")).toBe(4);
    expect(countWords("")).toBe(0);
    expect(countWords("一句中文")).toBe(1);
  });
});

describe("JSON", () => {
  it("accepts exactly one JSON document, a fenced block only when allowed", () => {
    expect(parseJsonResponse(' {"a": 1} ', false)).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonResponse("[1, 2]", false)).toEqual({ ok: true, value: [1, 2] });
    expect(parseJsonResponse('Here it is: {"a": 1}', false).ok).toBe(false);
    expect(parseJsonResponse('{"a": 1', false).ok).toBe(false);
    expect(parseJsonResponse("", false).ok).toBe(false);
    const fenced = '```json\n{"a": 1}\n```';
    expect(parseJsonResponse(fenced, false).ok).toBe(false);
    expect(parseJsonResponse(fenced, true)).toEqual({ ok: true, value: { a: 1 } });
  });

  it("validates against a JSON Schema (draft-07 by default, 2020-12 when declared, formats included)", () => {
    const validate = compileJsonSchema({
      type: "object",
      required: ["answer", "confidence"],
      properties: { answer: { type: "string" }, confidence: { type: "number", minimum: 0, maximum: 1 }, email: { type: "string", format: "email" } },
      additionalProperties: false,
    });
    expect(validate({ answer: "yes", confidence: 0.9 })).toBe(true);
    expect(validate({ answer: "yes", confidence: 2 })).toBe(false);
    expect(validate({ answer: "yes", confidence: 0.5, extra: 1 })).toBe(false);
    expect(validate({ answer: "yes", confidence: 0.5, email: "not an email" })).toBe(false);
    const v2020 = compileJsonSchema({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "array", prefixItems: [{ type: "number" }], items: false });
    expect(v2020([1])).toBe(true);
    expect(v2020([1, 2])).toBe(false);
  });

  it("names what is wrong with an unusable schema, including a catastrophic pattern", () => {
    expect(jsonSchemaProblem({ type: "strnig" })).toMatch(/not a usable JSON Schema/);
    expect(jsonSchemaProblem({ type: "string", pattern: "^(a+)+$" })).toMatch(/nests unbounded quantifiers/);
    expect(jsonSchemaProblem({ type: "string", pattern: "^[a-z]+$" })).toBeNull();
  });
});

describe("contains and regex", () => {
  it("contains any or all substrings, case-insensitive by default", () => {
    expect(matchesAny("please contact support", ["support", "billing"], { mode: "any", caseSensitive: false })).toBe(true);
    expect(matchesAny("please contact support", ["support", "billing"], { mode: "all", caseSensitive: false })).toBe(false);
    expect(matchesAny("Support", ["Support"], { mode: "any", caseSensitive: true })).toBe(true);
    expect(matchesAny("support", ["Support"], { mode: "any", caseSensitive: true })).toBe(false);
  });

  it("refuses invalid, over-long and exponential patterns with a reason", () => {
    expect(regexProblem("(")).toMatch(/not a valid regular expression/);
    expect(regexProblem("a".repeat(501))).toMatch(/longer than 500/);
    expect(regexProblem("^(a+)+$")).toMatch(/nests unbounded quantifiers/);
    expect(regexProblem("(x*)*y")).toMatch(/nests unbounded quantifiers/);
    expect(regexProblem("\\bSELECT\\b", "i")).toBeNull();
    expect(() => compileSafeRegex("^(a+)+$")).toThrow(/nests/);
  });

  it("runs only patterns without unbounded quantifiers or backreferences outside the time limit", () => {
    for (const p of ["\\bSELECT\\b", "^\\d{3}-\\d{4}$", "[*+]x", "\\*\\+", "a{2,5}", "[\\]+]"]) expect(mayBacktrackUnboundedly(p), p).toBe(false);
    for (const p of ["a+", "x*", "a{2,}", "a{1,500}", "(a)\\1", "(?<x>a)\\k<x>", "[]*", "[^]+"]) expect(mayBacktrackUnboundedly(p), p).toBe(true);
  });

  it("matches, and answers null instead of hanging when a polynomial pattern runs out of time", () => {
    const re = compileSafeRegex("\\bselect\\b.*\\bfrom\\b", "i");
    expect(re.test("SELECT id FROM users")).toBe(true);
    expect(re.test("pick one")).toBe(false);
    const slow = compileSafeRegex("a*a*a*a*a*a*b");
    const started = performance.now();
    expect(slow.test("a".repeat(20_000))).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
    // A /g pattern is not stateful between calls.
    const global = compileSafeRegex("x");
    expect([global.test("x"), global.test("x")]).toEqual([true, true]);
  });
});

describe("language", () => {
  // One question asked in ten languages; franc-min (the first candidate) named the English and
  // Spanish ones Portuguese.
  const sentences: Array<[string, string]> = [
    ["en", "How do I reset my password if I no longer have access to my email account?"],
    ["de", "Wie kann ich mein Passwort zurücksetzen, wenn ich keinen Zugriff mehr auf mein E-Mail-Konto habe?"],
    ["fr", "Comment puis-je réinitialiser mon mot de passe si je n'ai plus accès à ma messagerie ?"],
    ["es", "¿Cómo puedo restablecer mi contraseña si ya no tengo acceso a mi correo electrónico?"],
    ["it", "Come posso reimpostare la password se non ho più accesso alla mia email?"],
    ["pt", "Como posso redefinir minha senha se não tenho mais acesso ao meu e-mail?"],
    ["ru", "Как сбросить пароль, если у меня больше нет доступа к электронной почте?"],
    ["zh", "如果我无法再访问我的电子邮件账户，如何重置密码？"],
    ["ja", "メールアカウントにアクセスできなくなった場合、パスワードをリセットするにはどうすればよいですか？"],
    ["nl", "Hoe kan ik mijn wachtwoord opnieuw instellen als ik geen toegang meer heb tot mijn e-mail?"],
  ];
  it.each(sentences)("identifies %s", (code, text) => {
    expect(detectLanguage(text, { minLength: 10 })).toBe(code);
  });
  it("leaves short or letterless texts undetermined", () => {
    expect(detectLanguage("Ok.", { minLength: 10 })).toBeNull();
    expect(detectLanguage("42 + 17 = 59", { minLength: 10 })).toBeNull();
  });
  it("counts letters as Unicode code points of category L (accents, other scripts, surrogate pairs), before any cached answer", () => {
    for (const [code, text] of [
      ["de", "Wie kann ich mein Passwort zurücksetzen, 2 Mal?"],
      ["ru", "Как сбросить пароль 𝐀𝐁, если 😀 нет доступа?"],
      ["zh", "如果我无法再访问我的电子邮件账户，如何重置密码？"],
    ] as const) {
      const letters = [...text.matchAll(/\p{L}/gu)].length;
      expect(detectLanguage(text, { minLength: letters })).toBe(code);
      expect(detectLanguage(text, { minLength: letters + 1 })).toBeNull();
      expect(detectLanguage(text, { minLength: letters })).toBe(code);
    }
  });
});

describe("PII", () => {
  const all = new Set(REDACTION_KINDS);
  it("counts the ingest redaction detectors' matches on raw text", () => {
    const counts = countPii("Mail jane.doe@example.com or call +1 (415) 555-0134; card 4111 1111 1111 1111.", all);
    expect(counts).toEqual({ email: 1, phone: 1, credit_card: 1 });
    expect(countPii("Nothing personal here.", all)).toEqual({});
  });
  it("counts placeholders left by redaction at ingest, so stored text gives the same count", () => {
    expect(countPii("Mail [EMAIL] or call [PHONE]; also [EMAIL].", all)).toEqual({ email: 2, phone: 1 });
    expect(countPii("Mail [EMAIL].", new Set(["phone"] as const))).toEqual({});
  });
});
