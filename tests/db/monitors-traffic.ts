import { createRng } from "@/lib/drift";
import type { NormalizedTrace } from "@/lib/ingest/types";

/**
 * Synthetic traffic with known events, one hour per window, `perHour` traces
 * an hour from `base`:
 * - hour ≥ VERSION_HOUR: gpt-4o answers as "gpt-4o-v2", 60% slower and with
 *   50% more output tokens (same texts);
 * - hour ≥ TOPIC_HOUR: a new topic (holiday policy) takes 30% of prompts;
 * - hour ≥ QUALITY_HOUR: the billing topic's helpfulness score drops by 0.3.
 */
export const VERSION_HOUR = 3;
export const TOPIC_HOUR = 5;
export const QUALITY_HOUR = 6;
export const HOURS = 8;

const TOPICS: Array<{ name: string; prompts: string[]; tails: string[]; answer: string }> = [
  {
    name: "password",
    prompts: ["How do I reset my password", "I forgot my password and cannot log in", "Where can I change my account password", "My login password stopped working"],
    tails: ["account locked after login attempts", "reset link email never arrived", "two factor login code", "password expired"],
    answer: "Open the sign in page, choose forgot password and follow the link we email you.",
  },
  {
    name: "billing",
    prompts: ["Why was my credit card charged twice", "How do I download my invoice", "Can I get a refund for my subscription", "Where do I update my billing address"],
    tails: ["credit card payment charge", "invoice receipt billing", "refund of the subscription payment", "billing invoice amount"],
    answer: "Billing details, invoices and refunds are under Settings, Billing; refunds take five days.",
  },
  {
    name: "shipping",
    prompts: ["Where is my parcel", "How long does delivery to Canada take", "My package tracking number does not work", "Can I change the shipping address of my order"],
    tails: ["parcel delivery courier", "shipping tracking number", "package delivery delayed", "courier shipment"],
    answer: "Track the parcel with the number in your confirmation email; delivery takes three to seven days.",
  },
  {
    name: "sql",
    prompts: ["Write a SQL query that joins orders and customers", "How do I add an index to a postgres table", "Explain a left join in SQL", "Why is my SQL query slow"],
    tails: ["postgres database table", "sql select query", "database index rows", "query join tables"],
    answer: "Use a join on the customer id and add an index on the column you filter by.",
  },
];
const NEW_TOPIC = {
  name: "holiday",
  prompts: ["How many vacation days do employees get", "What is the parental leave policy", "Can unused holiday leave roll over to next year", "Who approves annual leave requests"],
  tails: ["vacation days holiday", "annual leave policy", "employee holiday leave", "hr leave vacation"],
  answer: "Employees get twenty five vacation days; managers approve leave in the HR portal.",
};
const SUFFIXES = ["", " please", " today", " quickly", " again", " for my team", " on mobile", " urgently"];

export function syntheticTraffic(base: Date, perHour: number, seed = 7): NormalizedTrace[] {
  const rng = createRng(seed);
  const out: NormalizedTrace[] = [];
  for (let h = 0; h < HOURS; h++) {
    for (let i = 0; i < perHour; i++) {
      const fresh = h >= TOPIC_HOUR && rng.next() < 0.3;
      const topic = fresh ? NEW_TOPIC : TOPICS[rng.nextInt(TOPICS.length)]!;
      const prompt = `${topic.prompts[rng.nextInt(topic.prompts.length)]}${SUFFIXES[rng.nextInt(SUFFIXES.length)]}? It is about ${topic.tails[rng.nextInt(topic.tails.length)]}.`;
      const v2 = h >= VERSION_HOUR;
      const latency = 800 * Math.exp(rng.nextNormal() * 0.25) * (v2 ? 1.6 : 1);
      const tokens = Math.round((60 + rng.nextNormal() * 8) * (v2 ? 1.5 : 1));
      const drop = topic.name === "billing" && h >= QUALITY_HOUR ? 0.3 : 0;
      out.push({
        externalId: `t-${h}-${i}`,
        timestamp: new Date(base.getTime() + h * 3_600_000 + Math.floor((i / perHour) * 3_600_000)),
        provider: "openai",
        model: "gpt-4o",
        modelVersion: v2 ? "gpt-4o-v2" : "gpt-4o-v1",
        route: "support",
        prompt: [{ role: "user", content: prompt }],
        response: [{ role: "assistant", content: topic.answer }],
        latencyMs: latency,
        ttftMs: null,
        inputTokens: 20,
        outputTokens: tokens,
        costUsd: 0.00001 * (20 + tokens),
        status: "ok",
        error: null,
        finishReason: "stop",
        userId: null,
        sessionId: null,
        tags: [topic.name],
        metadata: {},
        scores: { helpfulness: Math.min(1, Math.max(0, 0.8 - drop + rng.nextNormal() * 0.08)) },
      });
    }
  }
  return out;
}
