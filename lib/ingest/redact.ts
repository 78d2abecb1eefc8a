/**
 * PII redaction before storage: what matches is replaced by a typed placeholder
 * (`[EMAIL]`, `[CREDIT_CARD]`…) so nothing redacted reaches the database.
 * Patterns lean towards precision: card numbers must pass Luhn and start like a
 * card, IBANs must pass mod-97, phone numbers need a `+country` prefix or a US
 * `(415) 555-0134` / `415-555-0134` shape. Pure functions.
 */
import type { ChatMessage, NormalizedTrace, TraceText } from "./types";

export const REDACTION_KINDS = ["email", "phone", "credit_card", "iban", "ssn", "ip", "secret"] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

export const REDACTION_PLACEHOLDERS: Readonly<Record<RedactionKind, string>> = {
  email: "[EMAIL]",
  phone: "[PHONE]",
  credit_card: "[CREDIT_CARD]",
  iban: "[IBAN]",
  ssn: "[SSN]",
  ip: "[IP_ADDRESS]",
  secret: "[SECRET]",
};

export type RedactionOptions = { kinds: ReadonlySet<RedactionKind> };
export type RedactionCounts = Partial<Record<RedactionKind, number>>;

export const DEFAULT_REDACTION: RedactionOptions = { kinds: new Set(REDACTION_KINDS) };
export const NO_REDACTION: RedactionOptions = { kinds: new Set() };

const ALIASES: Record<string, RedactionKind> = {
  email: "email",
  emails: "email",
  phone: "phone",
  phones: "phone",
  phone_number: "phone",
  credit_card: "credit_card",
  "credit-card": "credit_card",
  creditcard: "credit_card",
  card: "credit_card",
  cards: "credit_card",
  iban: "iban",
  ssn: "ssn",
  ip: "ip",
  ips: "ip",
  ip_address: "ip",
  ipv4: "ip",
  ipv6: "ip",
  secret: "secret",
  secrets: "secret",
  api_key: "secret",
  api_keys: "secret",
  token: "secret",
  tokens: "secret",
};

/**
 * `off` (also none/false/0) → nothing; unset, empty, `default` (also on/true/all)
 * → every kind; otherwise a comma list such as `email,credit_card,secret`.
 * Throws on an unknown name so a typo fails at start-up instead of leaking.
 */
export function parseRedactionSetting(value: string | undefined): RedactionOptions {
  const v = (value ?? "").trim().toLowerCase();
  if (["", "default", "on", "true", "all", "1"].includes(v)) return DEFAULT_REDACTION;
  if (["off", "none", "false", "0"].includes(v)) return NO_REDACTION;
  const kinds = new Set<RedactionKind>();
  for (const raw of v.split(",")) {
    const name = raw.trim();
    if (name === "") continue;
    const kind = ALIASES[name];
    if (!kind) {
      throw new Error(
        `unknown redaction kind ${JSON.stringify(name)}; use "off", "default", or a comma list of ${REDACTION_KINDS.join(", ")}`,
      );
    }
    kinds.add(kind);
  }
  return { kinds };
}

// ---------------------------------------------------------------------------
// Detectors
// ---------------------------------------------------------------------------

type Rule = {
  /** Cheap test that lets a text skip the regex entirely. */
  gate?: (text: string) => boolean;
  pattern: RegExp;
  /** Returns the replacement, or null to leave the match alone. */
  replace: (match: string, groups: string[]) => string | null;
};

const hasDigit = (t: string) => /\d/.test(t);

function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function isCardNumber(digits: string): boolean {
  // Issuer ranges in use start with 2–6 (Mastercard 2/5, Amex/JCB/Diners 3, Visa 4, Discover/UnionPay 6).
  return digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && !/^(\d)\1+$/.test(digits) && luhnValid(digits);
}

function ibanValid(compact: string): boolean {
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/**
 * A digit run with separators may have swallowed a neighbouring number
 * ("order 12 4111 1111 1111 1111"). Try every sub-run that starts and ends on a
 * group boundary, longest first, and replace the first that `valid` accepts.
 */
function redactInGroups(match: string, placeholder: string, valid: (compact: string) => boolean): string | null {
  const groups = match.split(/([ -])/); // keeps separators at odd indexes
  const tokens = groups.filter((_, i) => i % 2 === 0);
  for (let len = tokens.length; len >= 1; len--) {
    for (let start = 0; start + len <= tokens.length; start++) {
      const compact = tokens.slice(start, start + len).join("");
      if (!valid(compact)) continue;
      const before = groups.slice(0, start * 2).join("");
      const after = groups.slice((start + len) * 2 - 1).join("");
      return before + placeholder + after;
    }
  }
  return null;
}

function isIPv6(candidate: string): boolean {
  let s = candidate;
  let extraGroups = 0;
  if (s.includes(".")) {
    const cut = s.lastIndexOf(":");
    const v4 = s.slice(cut + 1);
    if (!/^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(v4)) return false;
    s = s.slice(0, cut + 1) + "0";
    extraGroups = 1;
  }
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const groups = halves.flatMap(parse);
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const total = groups.length + extraGroups;
  // Addresses in text nearly always hold a digit; `a::b` or `dead::beef` in code do not.
  if (!/\d/.test(candidate)) return false;
  return halves.length === 2 ? total <= 7 : total === 8;
}

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

/** In application order: secrets first (they contain digit runs), phone numbers last (the loosest). */
const RULES: ReadonlyArray<readonly [RedactionKind, Rule]> = [
  [
    "secret",
    {
      pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g,
      replace: () => REDACTION_PLACEHOLDERS.secret,
    },
  ],
  [
    "secret",
    {
      gate: (t) => t.includes("eyJ"),
      // JWT: base64url header and payload that both start with `{"`, then a (possibly empty) signature.
      pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
      replace: () => REDACTION_PLACEHOLDERS.secret,
    },
  ],
  [
    "secret",
    {
      pattern:
        /\b(?:sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|hf_[A-Za-z0-9]{30,})/g,
      // `sk-learn-is-a-python-library` is not a key: real ones mix letters and digits.
      replace: (m) => (/\d/.test(m.slice(3)) && /[A-Za-z]/.test(m.slice(3)) ? REDACTION_PLACEHOLDERS.secret : null),
    },
  ],
  [
    "secret",
    {
      pattern: /\b(Bearer|Basic|Token)(\s+)([A-Za-z0-9\-._~+/]{16,}=*)/gi,
      replace: (_, [scheme, space]) => `${scheme}${space}${REDACTION_PLACEHOLDERS.secret}`,
    },
  ],
  [
    "secret",
    {
      pattern: /\b(api[_-]?key|apikey|secret|client[_-]?secret|password|passwd|access[_-]?token|auth[_-]?token)(["']?\s*[:=]\s*["']?)([^\s"',;]{8,})/gi,
      replace: (_, [name, sep]) => `${name}${sep}${REDACTION_PLACEHOLDERS.secret}`,
    },
  ],
  [
    "email",
    {
      gate: (t) => t.includes("@"),
      pattern: /\b[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}\b/g,
      replace: () => REDACTION_PLACEHOLDERS.email,
    },
  ],
  [
    "iban",
    {
      gate: hasDigit,
      pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g,
      replace: (m) => redactInGroups(m, REDACTION_PLACEHOLDERS.iban, ibanValidLoose),
    },
  ],
  [
    "credit_card",
    {
      gate: hasDigit,
      pattern: /\b\d(?:[ -]?\d){12,22}\b/g,
      replace: (m) => redactInGroups(m, REDACTION_PLACEHOLDERS.credit_card, isCardNumber),
    },
  ],
  [
    "ssn",
    {
      gate: hasDigit,
      pattern: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g,
      replace: () => REDACTION_PLACEHOLDERS.ssn,
    },
  ],
  [
    "ip",
    {
      gate: (t) => t.includes(":"),
      pattern: /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{0,4})(?![\w:])/g,
      replace: (m) => (isIPv6(m) ? REDACTION_PLACEHOLDERS.ip : null),
    },
  ],
  [
    "ip",
    {
      gate: (t) => t.includes("."),
      pattern: new RegExp(`(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?!\\w|\\.\\d)`, "g"),
      replace: () => REDACTION_PLACEHOLDERS.ip,
    },
  ],
  [
    "phone",
    {
      gate: hasDigit,
      pattern: /(?<![\w+])(?:\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,6}|\(\d{3}\) ?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4})(?!\w)/g,
      replace: (m) => {
        const digits = m.replace(/\D/g, "").length;
        return digits >= 10 && digits <= 15 ? REDACTION_PLACEHOLDERS.phone : null;
      },
    },
  ],
];

function ibanValidLoose(compact: string): boolean {
  return /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact) && ibanValid(compact);
}

function addCounts(into: RedactionCounts, from: RedactionCounts): void {
  for (const [kind, n] of Object.entries(from) as Array<[RedactionKind, number]>) into[kind] = (into[kind] ?? 0) + n;
}

/** Redacts one string; `counts` says how many of each kind were replaced. */
export function redactText(text: string, options: RedactionOptions = DEFAULT_REDACTION): { text: string; counts: RedactionCounts } {
  const counts: RedactionCounts = {};
  if (options.kinds.size === 0 || text === "") return { text, counts };
  let out = text;
  for (const [kind, rule] of RULES) {
    if (!options.kinds.has(kind) || (rule.gate && !rule.gate(out))) continue;
    out = out.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      // rest = [...capture groups, offset, whole string]; no rule uses named groups.
      const groups = rest.slice(0, -2).map((g) => (typeof g === "string" ? g : ""));
      const replacement = rule.replace(match, groups);
      if (replacement === null) return match;
      counts[kind] = (counts[kind] ?? 0) + 1;
      return replacement;
    });
  }
  return { text: out, counts };
}

function redactDeep(value: unknown, options: RedactionOptions, counts: RedactionCounts): unknown {
  if (typeof value === "string") {
    const r = redactText(value, options);
    addCounts(counts, r.counts);
    return r.text;
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, options, counts));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, options, counts);
    return out;
  }
  return value;
}

function redactTraceText(text: TraceText | null, options: RedactionOptions, counts: RedactionCounts): TraceText | null {
  if (text === null) return null;
  if (typeof text === "string") return redactDeep(text, options, counts) as string;
  return text.map((m): ChatMessage => {
    const out: ChatMessage = { ...m, content: redactDeep(m.content, options, counts) as string };
    if (m.parts) out.parts = redactDeep(m.parts, options, counts) as unknown[];
    return out;
  });
}

/**
 * Redacts what a trace says: prompt and response (message contents and parts),
 * the error text, metadata string values and retrieved contexts' content. Identifiers the client chose
 * (userId, sessionId, tags, route, model) are left as sent.
 */
export function redactTrace(
  trace: NormalizedTrace,
  options: RedactionOptions = DEFAULT_REDACTION,
): { trace: NormalizedTrace; counts: RedactionCounts } {
  const counts: RedactionCounts = {};
  if (options.kinds.size === 0) return { trace, counts };
  const redacted: NormalizedTrace = {
    ...trace,
    prompt: redactTraceText(trace.prompt, options, counts),
    response: redactTraceText(trace.response, options, counts),
    error: trace.error === null ? null : (redactDeep(trace.error, options, counts) as string),
    metadata: redactDeep(trace.metadata, options, counts) as Record<string, unknown>,
    ...(trace.expectedOutput != null ? { expectedOutput: redactDeep(trace.expectedOutput, options, counts) as string } : {}),
    ...(trace.contexts ? { contexts: trace.contexts.map((c) => ({ ...c, content: redactDeep(c.content, options, counts) as string })) } : {}),
  };
  return { trace: redacted, counts };
}
