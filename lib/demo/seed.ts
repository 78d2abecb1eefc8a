import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { memberships, projects } from "@/db/schema";
import type { NormalizedTrace } from "@/lib/ingest/types";
import { recordTraces } from "@/lib/services/traces/record-traces";

export const DEMO_PROJECT_SLUG = "demo";

type Rng = () => number;
function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

const INTENTS = [
  {
    name: "billing",
    prompts: [
      "Why was I charged twice this month?",
      "Can I get an invoice for my last payment?",
      "How do I change the card on my account?",
    ],
    answer: "I can help with billing. Open Settings → Billing to see invoices and update your payment method.",
  },
  {
    name: "account-access",
    prompts: ["I forgot my password, how can I reset it?", "My 2FA codes stopped working", "How do I unlock my account?"],
    answer: "To regain access, use “Forgot password” on the sign-in page; a reset link arrives within minutes.",
  },
  {
    name: "sql-help",
    prompts: [
      "Write a SQL query that joins orders and customers by customer_id",
      "How do I find duplicate emails in a users table?",
      "Explain the difference between LEFT JOIN and INNER JOIN",
    ],
    answer: "SELECT o.*, c.name FROM orders o JOIN customers c ON c.id = o.customer_id;",
  },
  {
    name: "api-errors",
    prompts: ["The API returns 429 Too Many Requests", "Why do I get 401 Unauthorized with a valid key?"],
    answer: "A 429 means you hit the rate limit; retry with exponential backoff or raise your plan's limit.",
  },
] as const;

const MODELS = [
  { provider: "openai", model: "gpt-4o", version: "gpt-4o-2024-08-06", route: "quality", latency: 1400, inCost: 2.5e-6, outCost: 1e-5 },
  { provider: "openai", model: "gpt-4o-mini", version: "gpt-4o-mini-2024-07-18", route: "cheap", latency: 700, inCost: 1.5e-7, outCost: 6e-7 },
  { provider: "anthropic", model: "claude-sonnet-4", version: "claude-sonnet-4-20250514", route: "quality", latency: 1600, inCost: 3e-6, outCost: 1.5e-5 },
] as const;

/**
 * A small demo project so a new install shows a living dashboard: a week of
 * support-assistant traffic over three models. Written once, through the same
 * storage path as real ingest; nothing happens when the project exists.
 */
export async function seedDemo(
  db: Database,
  options: { adminUserId?: string; days?: number; perDay?: number; now?: Date; seed?: number } = {},
): Promise<{ created: boolean; projectId: string; traces: number }> {
  const [existing] = await db.select().from(projects).where(eq(projects.slug, DEMO_PROJECT_SLUG));
  if (existing) {
    if (options.adminUserId) {
      await db
        .insert(memberships)
        .values({ projectId: existing.id, userId: options.adminUserId, role: "admin" })
        .onConflictDoNothing();
    }
    return { created: false, projectId: existing.id, traces: 0 };
  }
  const [project] = await db
    .insert(projects)
    .values({ slug: DEMO_PROJECT_SLUG, name: "Demo: support assistant" })
    .onConflictDoNothing()
    .returning();
  if (!project) return seedDemo(db, { ...options });
  if (options.adminUserId) {
    await db.insert(memberships).values({ projectId: project.id, userId: options.adminUserId, role: "admin" }).onConflictDoNothing();
  }

  const rng = mulberry32(options.seed ?? 20261128);
  const days = options.days ?? 7;
  const perDay = options.perDay ?? 60;
  const now = options.now ?? new Date();
  const start = now.getTime() - days * 86_400_000;
  const batch: NormalizedTrace[] = [];
  for (let i = 0; i < days * perDay; i++) {
    const intent = pick(rng, INTENTS);
    const m = pick(rng, MODELS);
    const inputTokens = 40 + Math.floor(rng() * 400);
    const outputTokens = 30 + Math.floor(rng() * 350);
    const failed = rng() < 0.02;
    const latency = m.latency * (0.6 + rng() * 0.9) + outputTokens * 4;
    batch.push({
      externalId: `demo-${i}`,
      timestamp: new Date(start + ((i + rng()) / (days * perDay)) * days * 86_400_000),
      provider: m.provider,
      model: m.model,
      modelVersion: m.version,
      route: m.route,
      prompt: [
        { role: "system", content: "You are Acme's support and coding assistant." },
        { role: "user", content: pick(rng, intent.prompts) },
      ],
      response: failed ? null : [{ role: "assistant", content: intent.answer }],
      latencyMs: Math.round(latency),
      ttftMs: Math.round(latency * 0.25),
      inputTokens,
      outputTokens: failed ? 0 : outputTokens,
      costUsd: inputTokens * m.inCost + (failed ? 0 : outputTokens * m.outCost),
      status: failed ? "error" : "ok",
      error: failed ? "upstream timeout" : null,
      finishReason: failed ? null : "stop",
      userId: `user-${Math.floor(rng() * 120)}`,
      sessionId: `session-${Math.floor(i / 3)}`,
      tags: [intent.name],
      metadata: { app: "support-assistant" },
      scores: failed ? {} : { user_feedback: rng() < 0.85 ? 1 : 0, "judge.helpfulness": Math.round((0.6 + rng() * 0.4) * 100) / 100 },
    });
  }
  await recordTraces(db, { projectId: project.id, traces: batch, scoreSource: "demo" });
  return { created: true, projectId: project.id, traces: batch.length };
}
