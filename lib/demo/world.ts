import { createRng, type Rng } from "@/lib/drift/random";

/**
 * The demo world: 30 days (by default) of a support-and-coding assistant's
 * LLM traffic, with four known events on fixed days, generated from a seed.
 * Pure: the same options always give the same traces (no clock, no I/O).
 *
 * Timeline (day 1 is the first day):
 *   days 1–9    quiet: the baseline, nothing changes
 *   day 10      provider version change: openai gpt-4o starts answering as
 *               gpt-4o-2024-11-20 — slower, longer answers, more refusals
 *   day 16      topic shift: questions about the "Acme Vision" launch appear
 *               and grow from ~3% to ~30% of traffic by the last day
 *   day 22      router change: most "cheap"-routed traffic moves to
 *               gemini-2.0-flash, whose SQL answers are poor — quality drops
 *               on the sql-help topic only
 */

export type DemoOptions = { days: number; perDay: number; end: Date; seed: number };

export const DEMO_EVENTS = {
  versionChangeDay: 10,
  topicShiftDay: 16,
  routerChangeDay: 22,
  quietDays: [1, 9] as const,
} as const;

export type DemoTrace = {
  id: string;
  timestamp: string;
  provider: string;
  model: string;
  modelVersion: string;
  route: string;
  prompt: Array<{ role: string; content: string }>;
  response: string | null;
  latencyMs: number;
  ttftMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  status: "ok" | "error";
  error?: string;
  finishReason?: string;
  userId: string;
  sessionId: string;
  tags: string[];
  metadata: Record<string, unknown>;
  scores: Record<string, number>;
};

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.nextInt(items.length)]!;
function weighted<T extends string>(rng: Rng, weights: Record<T, number>): T {
  const entries = Object.entries(weights) as Array<[T, number]>;
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = rng.next() * total;
  for (const [key, w] of entries) {
    x -= w;
    if (x <= 0) return key;
  }
  return entries[entries.length - 1]![0];
}
const fill = (template: string, slots: Record<string, readonly string[]>, rng: Rng) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => pick(rng, slots[name] ?? [name]));

export type Intent = {
  name: string;
  templates: readonly string[];
  slots: Record<string, readonly string[]>;
  answers: readonly string[];
  followUps: readonly string[];
};

export const INTENTS: Record<string, Intent> = {
  billing: {
    name: "billing",
    templates: [
      "Why was I charged {amount} twice this month?",
      "Can I get an invoice for my {month} payment?",
      "How do I change the card on my account?",
      "my bill went up to {amount}, what happened",
      "Where can I download receipts for {month}?",
      "Is VAT included in the {plan} plan price?",
      "I was billed for the {plan} plan but I'm on the free tier",
    ],
    slots: { amount: ["$29", "$49", "$99", "$249", "€45"], month: ["January", "March", "June", "September", "last month's"], plan: ["Pro", "Team", "Business", "Enterprise"] },
    answers: [
      "I'm sorry about the confusion. Duplicate charges are usually a pending authorisation that drops off within 3–5 business days. You can see every invoice under Settings → Billing → Invoices, and if both charges settle, our billing team refunds the duplicate automatically.",
      "You can download any invoice as a PDF from Settings → Billing → Invoices. Each invoice lists the plan, the billing period and the tax applied.",
      "To update your payment method, open Settings → Billing → Payment method, add the new card and set it as default. The next invoice will use it.",
    ],
    followUps: ["ok and how long does the refund take?", "thanks, where do I find the invoice number?"],
  },
  refunds: {
    name: "refunds",
    templates: [
      "I want a refund for order {order}",
      "How do refunds work if I cancel the {plan} plan mid-cycle?",
      "Can you refund my annual subscription? I only used it for {days} days",
      "refund status for {order}??",
      "The product arrived broken, can I get my money back for order {order}?",
    ],
    slots: { order: ["#48213", "#50177", "#39920", "A-1137", "#61002"], plan: ["Pro", "Team", "Business"], days: ["3", "10", "12", "20"] },
    answers: [
      "Refunds for annual plans are prorated when you cancel within 30 days. Open Settings → Billing → Cancel plan; the refund reaches your card in 5–10 business days.",
      "I can see how frustrating that is. Please open the order in your account and choose “Request refund”; attach a photo of the damage and we will refund or replace it within 48 hours.",
    ],
    followUps: ["and if it's been more than 30 days?", "can I get store credit instead?"],
  },
  "account-access": {
    name: "account-access",
    templates: [
      "I forgot my password, how can I reset it?",
      "My 2FA codes stopped working after I changed phones",
      "How do I unlock my account after too many login attempts?",
      "can't log in, says my email isn't registered",
      "How do I change the email address on my account?",
      "The password reset link says it expired",
    ],
    slots: {},
    answers: [
      "Use “Forgot password” on the sign-in page; we email a reset link that is valid for 30 minutes. If it expired, request a new one — only the latest link works.",
      "If your authenticator app moved to a new phone, sign in with one of your backup codes, then re-enrol 2FA under Settings → Security. Without backup codes, contact support to verify your identity.",
      "Accounts unlock automatically after 15 minutes. If you keep getting locked out, reset your password to make sure no old device is retrying with a stale one.",
    ],
    followUps: ["I don't have backup codes", "the email never arrives"],
  },
  "api-errors": {
    name: "api-errors",
    templates: [
      "The API returns 429 Too Many Requests when I send {n} requests a minute",
      "Why do I get 401 Unauthorized with a valid API key?",
      "Getting a 500 from /v2/orders since this morning",
      "What does error code E_{code} mean?",
      "Webhook deliveries fail with a timeout after {n} seconds",
    ],
    slots: { n: ["30", "60", "120", "600"], code: ["QUOTA", "SIGNATURE", "SCOPE", "IDEMPOTENCY"] },
    answers: [
      "A 429 means you hit the per-key rate limit. Retry with exponential backoff, respect the Retry-After header, and spread bursts; the limit is listed in your dashboard under API → Limits.",
      "A 401 with a valid key usually means the key lacks the scope for that endpoint, or you are sending it to the sandbox host. Check the key's scopes in Settings → API keys.",
      "Webhooks time out after 10 seconds. Acknowledge with a 2xx immediately and do the work asynchronously; failed deliveries are retried with backoff for 24 hours.",
    ],
    followUps: ["what's the exact limit per minute?", "does the sandbox have the same limits?"],
  },
  "sql-help": {
    name: "sql-help",
    templates: [
      "Write a SQL query that joins {a} and {b} by {key}",
      "How do I find duplicate emails in a users table?",
      "Explain the difference between LEFT JOIN and INNER JOIN",
      "How do I get the top 3 {a} per {key} in Postgres?",
      "my query with GROUP BY returns an error about {key} not in aggregate",
      "Rewrite this to use a window function: select {key}, count(*) from {a} group by {key}",
    ],
    slots: { a: ["orders", "invoices", "events", "sessions"], b: ["customers", "accounts", "users", "products"], key: ["customer_id", "account_id", "user_id", "region"] },
    answers: [
      "Use an inner join on the key and select the columns you need:\n\nSELECT o.*, c.name\nFROM orders o\nJOIN customers c ON c.id = o.customer_id;\n\nAn INNER JOIN keeps only matching rows; use LEFT JOIN to keep every order even without a customer.",
      "Group by the email and keep groups with more than one row:\n\nSELECT lower(email) AS email, count(*)\nFROM users\nGROUP BY lower(email)\nHAVING count(*) > 1;",
      "Use ROW_NUMBER() over a partition and filter on it:\n\nSELECT * FROM (\n  SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY total DESC) AS rn\n  FROM orders\n) t WHERE rn <= 3;",
    ],
    followUps: ["can you add an index suggestion?", "will this work in MySQL too?"],
  },
  "small-talk": {
    name: "small-talk",
    templates: ["hi!", "thanks, that fixed it", "are you a bot?", "good morning, quick question", "you're great, thank you"],
    slots: {},
    answers: ["Happy to help! Is there anything else I can do for you?", "Hi! I'm Acme's assistant — ask me about billing, your account, the API or SQL."],
    followUps: ["no that's all", "actually yes, one more thing"],
  },
  "product-launch": {
    name: "product-launch",
    templates: [
      "When can I preorder the Acme Vision headset in {region}?",
      "Does the Acme Vision headset pair with {device}?",
      "How long does the Acme Vision battery last on a single charge?",
      "Are prescription lenses available for Acme Vision?",
      "The Acme Vision firmware update failed and the headset won't boot",
      "Is there a recording of the Acme Vision keynote?",
      "Can developers get early access to the Acme Vision SDK?",
      "My Acme Vision preorder shows shipped but tracking has no updates",
      "Does Acme Vision support {feature}?",
    ],
    slots: {
      region: ["Europe", "Japan", "Canada", "Brazil", "India"],
      device: ["an iPhone", "a Pixel phone", "a Windows laptop", "a MacBook", "a PlayStation"],
      feature: ["hand tracking", "spatial audio", "passthrough video", "eye tracking", "multiplayer sessions"],
    },
    answers: [
      "Acme Vision preorders open in stages: North America first, then Europe and Asia-Pacific over the following weeks. Join the waitlist in the Acme Vision app to be notified.",
      "The Acme Vision headset pairs over Bluetooth 5.3 with recent phones and laptops; open the companion app, choose Add device and hold the headset's power button for three seconds.",
      "A full charge lasts about two and a half hours of mixed use; the included battery pack adds another two hours.",
    ],
    followUps: ["will it ship before the holidays?", "is there a trade-in discount?"],
  },
};

type ModelSpec = {
  provider: string;
  model: string;
  version: string;
  /** USD per token */
  inCost: number;
  outCost: number;
  baseLatency: number;
  msPerToken: number;
  verbosity: number;
  quality: number;
  refusalRate: number;
};

const MODELS: Record<string, ModelSpec> = {
  "gpt-4o": { provider: "openai", model: "gpt-4o", version: "gpt-4o-2024-08-06", inCost: 2.5e-6, outCost: 1e-5, baseLatency: 420, msPerToken: 11, verbosity: 1.0, quality: 0.86, refusalRate: 0.01 },
  "gpt-4o-mini": { provider: "openai", model: "gpt-4o-mini", version: "gpt-4o-mini-2024-07-18", inCost: 1.5e-7, outCost: 6e-7, baseLatency: 280, msPerToken: 6, verbosity: 0.8, quality: 0.78, refusalRate: 0.012 },
  "claude-sonnet-4": { provider: "anthropic", model: "claude-sonnet-4", version: "claude-sonnet-4-20250514", inCost: 3e-6, outCost: 1.5e-5, baseLatency: 520, msPerToken: 12, verbosity: 1.15, quality: 0.88, refusalRate: 0.015 },
  "claude-3-5-haiku": { provider: "anthropic", model: "claude-3-5-haiku", version: "claude-3-5-haiku-20241022", inCost: 8e-7, outCost: 4e-6, baseLatency: 300, msPerToken: 7, verbosity: 0.85, quality: 0.8, refusalRate: 0.012 },
  "gemini-2.0-flash": { provider: "google", model: "gemini-2.0-flash", version: "gemini-2.0-flash-001", inCost: 1e-7, outCost: 4e-7, baseLatency: 250, msPerToken: 4, verbosity: 0.75, quality: 0.77, refusalRate: 0.01 },
};

/** The answer that goes with a question template: its topic's answers in turn. */
export function answerFor(intent: { answers: readonly string[] }, templateIndex: number): string {
  return intent.answers[templateIndex % intent.answers.length]!;
}

/** What gemini-2.0-flash answers to SQL questions in the demo: plausible, unhelpful, and unlike the good answers. */
const POOR_SQL_ANSWERS = [
  "SQL can do that. Try selecting everything from both tables and filtering the rows in your application, that usually works fine.",
  "Maybe use DISTINCT, or export the table to a spreadsheet and sort it there to see which values look the same.",
  "Databases differ a lot here; check the manual of your database for the right function, the syntax depends on the version.",
];

const SYSTEM_PROMPT = "You are Acme's support and coding assistant. Answer concisely, cite the relevant settings page, and never share account data.";
const REFUSAL = "I'm sorry, but I can't help with that request. Please contact Acme support for account-specific changes.";
const GREETINGS = ["", "", "", "hi, ", "Hello! ", "quick question: ", "hey — ", "Hi team, "];
const SIGN_OFFS = ["", "", "", " thanks", " Thanks!", " pls help", " thank you in advance"];

/** Drops, doubles or swaps a letter in about one word in twelve. */
function typos(text: string, rng: Rng): string {
  return text
    .split(" ")
    .map((word) => {
      if (word.length < 5 || rng.next() > 1 / 12) return word;
      const i = 1 + Math.floor(rng.next() * (word.length - 2));
      const kind = rng.next();
      if (kind < 0.33) return word.slice(0, i) + word.slice(i + 1);
      if (kind < 0.66) return word.slice(0, i) + word[i] + word.slice(i);
      return word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1);
    })
    .join(" ");
}

function dayOf(i: number, perDay: number): number {
  return Math.floor(i / perDay) + 1;
}

/** Intent mix on a day: the launch topic appears on the topic-shift day and grows linearly. */
export function intentWeights(day: number, days: number): Record<string, number> {
  const weights: Record<string, number> = { billing: 22, refunds: 12, "account-access": 20, "api-errors": 16, "sql-help": 20, "small-talk": 10 };
  if (day >= DEMO_EVENTS.topicShiftDay) {
    const progress = (day - DEMO_EVENTS.topicShiftDay) / Math.max(1, days - DEMO_EVENTS.topicShiftDay);
    const share = 0.03 + 0.27 * Math.min(1, progress);
    weights["product-launch"] = (100 * share) / (1 - share);
  }
  return weights;
}

/** The router: quality route to gpt-4o/claude-sonnet-4, cheap route to the small models; the router change moves the cheap route to gemini. */
export function routeFor(intent: string, day: number, rng: Rng): { route: string; model: string } {
  const routerChanged = day >= DEMO_EVENTS.routerChangeDay;
  const cheapShare = intent === "small-talk" ? 0.9 : routerChanged ? 0.6 : 0.3;
  if (rng.next() < cheapShare) {
    const model = routerChanged
      ? weighted(rng, { "gemini-2.0-flash": 75, "gpt-4o-mini": 15, "claude-3-5-haiku": 10 })
      : weighted(rng, { "gpt-4o-mini": 60, "claude-3-5-haiku": 30, "gemini-2.0-flash": 10 });
    return { route: "cheap", model };
  }
  return { route: "quality", model: weighted(rng, { "gpt-4o": 55, "claude-sonnet-4": 45 }) };
}

export function* generateDemoTraces(options: DemoOptions): Generator<DemoTrace> {
  const rng = createRng(options.seed);
  const total = options.days * options.perDay;
  const start = options.end.getTime() - options.days * 86_400_000;
  const sessions = new Map<string, { intent: string; turns: number }>();

  for (let i = 0; i < total; i++) {
    const day = dayOf(i, options.perDay);
    // Business-hours-shaped arrivals within the day.
    const hour = Math.min(23.99, Math.max(0, 14 + 4 * rng.nextNormal()));
    const timestamp = new Date(start + (day - 1) * 86_400_000 + hour * 3_600_000 + Math.floor(rng.next() * 60_000));

    const userNo = Math.floor(Math.pow(rng.next(), 1.6) * 420);
    const userId = `user-${String(userNo).padStart(4, "0")}`;
    const sessionKey = `${userId}-${day}`;
    const ongoing = sessions.get(sessionKey);
    const isFollowUp = Boolean(ongoing) && rng.next() < 0.35;
    const intentName = isFollowUp ? ongoing!.intent : weighted(rng, intentWeights(day, options.days));
    const intent = INTENTS[intentName]!;
    sessions.set(sessionKey, { intent: intentName, turns: (ongoing?.turns ?? 0) + 1 });

    // The same draw as pick(): which question template, kept to give the answer that goes with it.
    const templateIndex = rng.nextInt(intent.templates.length);
    let question = fill(intent.templates[templateIndex]!, intent.slots, rng);
    question = `${pick(rng, GREETINGS)}${question}${pick(rng, SIGN_OFFS)}`;
    if (rng.next() < 0.25) question = question.toLowerCase();
    question = typos(question, rng);
    if (rng.next() < 0.12) question += ` Some context: I've been a customer for ${1 + Math.floor(rng.next() * 6)} years and this is the first time this happened, so I'd appreciate a quick answer.`;

    const prompt: Array<{ role: string; content: string }> = [{ role: "system", content: SYSTEM_PROMPT }];
    if (isFollowUp) {
      prompt.push({ role: "user", content: fill(pick(rng, intent.templates), intent.slots, rng) });
      prompt.push({ role: "assistant", content: pick(rng, intent.answers) });
      question = pick(rng, intent.followUps);
    }
    prompt.push({ role: "user", content: question });

    const { route, model } = routeFor(intentName, day, rng);
    const spec = MODELS[model]!;
    let version = spec.version;
    let verbosity = spec.verbosity;
    let latencyFactor = 1;
    let refusalRate = spec.refusalRate;
    if (model === "gpt-4o" && day >= DEMO_EVENTS.versionChangeDay) {
      version = "gpt-4o-2024-11-20";
      verbosity *= 1.7;
      latencyFactor = 1.45;
      refusalRate = 0.07;
    }

    const inputTokens = Math.round(prompt.reduce((s, m) => s + m.content.length, 0) / 4) + 12;
    const failed = rng.next() < 0.015;
    const refused = !failed && rng.next() < refusalRate;
    let response: string | null = null;
    let outputTokens = 0;
    if (!failed) {
      if (refused) {
        response = REFUSAL;
      } else {
        const drawn = pick(rng, intent.answers);
        // A first question gets the answer that goes with its template (the golden set's expected output,
        // golden-set.ts); a follow-up one of its topic's answers. Gemini's SQL answers are poor (the
        // within-topic quality drop of the router change): they say something else, in other words.
        response = isFollowUp ? drawn : answerFor(intent, templateIndex);
        if (intentName === "sql-help" && model === "gemini-2.0-flash") response = POOR_SQL_ANSWERS[intent.answers.indexOf(drawn) % POOR_SQL_ANSWERS.length]!;
        if (verbosity > 1.3) {
          response += "\n\nAdditionally, here is some more context that may help: our documentation covers this in detail, and you can review the related settings, the audit log and the status page. If the issue persists after these steps, reply here with the exact error message, the time it happened and the browser or client library version you use, and we will investigate further.";
        } else if (verbosity < 0.8) {
          response = response.split(". ").slice(0, 2).join(". ");
        }
      }
      outputTokens = Math.max(4, Math.round((response.length / 4) * (0.85 + 0.3 * rng.next())));
    }
    const latencyMs = Math.max(
      80,
      Math.round((spec.baseLatency + spec.msPerToken * outputTokens) * latencyFactor * Math.exp(0.25 * rng.nextNormal())),
    );
    const ttftMs = Math.round(Math.min(latencyMs, spec.baseLatency * latencyFactor * Math.exp(0.3 * rng.nextNormal())));

    // Quality: the model's level, worse for SQL on gemini after the router change (the within-topic drop).
    let quality = spec.quality + 0.06 * rng.nextNormal();
    if (intentName === "sql-help" && model === "gemini-2.0-flash") quality -= 0.3;
    if (refused) quality = 0.1 + 0.1 * rng.next();
    quality = Math.min(1, Math.max(0, quality));
    const scores: Record<string, number> = {};
    if (!failed) {
      scores["judge.helpfulness"] = Math.round(quality * 100) / 100;
      if (rng.next() < 0.3) scores.user_feedback = rng.next() < quality ? 1 : 0;
    }

    yield {
      id: `demo-${options.seed}-${i}`,
      timestamp: timestamp.toISOString(),
      provider: spec.provider,
      model,
      modelVersion: version,
      route,
      prompt,
      response,
      latencyMs,
      ttftMs,
      inputTokens,
      outputTokens,
      costUsd: Math.round((inputTokens * spec.inCost + outputTokens * spec.outCost) * 1e8) / 1e8,
      status: failed ? "error" : "ok",
      ...(failed ? { error: pick(rng, ["upstream timeout after 30s", "429 rate limited by provider", "502 bad gateway"]) } : { finishReason: refused ? "stop" : "stop" }),
      userId,
      sessionId: `session-${sessionKey}`,
      tags: [intentName, ...(isFollowUp ? ["multi-turn"] : [])],
      metadata: { app: "support-assistant", locale: pick(rng, ["en-US", "en-GB", "en-IN", "de-DE"]), client: pick(rng, ["web", "web", "ios", "android"]) },
      scores,
    };
  }
}
