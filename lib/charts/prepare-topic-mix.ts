/** Topic-mix bars and topic labels. */
import { num, obj } from "./monitor-labels";

export type TopicExample = { traceId: string; text: string };
export type TopicBar = { topic: number; label: string; terms: string[]; examples: TopicExample[]; reference: number; current: number; delta: number };

export function examplesOf(v: unknown): TopicExample[] {
  return (Array.isArray(v) ? v : [])
    .map((e) => obj(e))
    .filter((e) => typeof e.traceId === "string" && typeof e.text === "string")
    .map((e) => ({ traceId: e.traceId as string, text: e.text as string }));
}

export function termsOf(v: unknown): string[] {
  return (Array.isArray(v) ? v : []).filter((t): t is string => typeof t === "string");
}

/** A short label of a topic: its three most distinctive terms, else its first example. */
export function topicLabel(terms: readonly string[], examples: readonly TopicExample[], topic: number): string {
  if (terms.length) return terms.slice(0, 3).join(" · ");
  const text = examples[0]?.text;
  if (text) return text.length > 40 ? `${text.slice(0, 39)}…` : text;
  return `topic ${topic + 1}`;
}

/** Topic-mix bars: reference (held-out) vs current share per topic, largest change first. */
export function prepareTopicMix(artefacts: Record<string, unknown> | undefined): TopicBar[] {
  const topics = Array.isArray(obj(artefacts).topics) ? (obj(artefacts).topics as unknown[]) : [];
  return topics
    .map((raw) => {
      const t = obj(raw);
      const topic = num(t.topic) ?? 0;
      const terms = termsOf(t.terms);
      const examples = examplesOf(t.examples);
      const reference = num(t.referenceShare) ?? num(t.share) ?? 0;
      const current = num(t.currentShare) ?? 0;
      return { topic, label: topicLabel(terms, examples, topic), terms, examples, reference, current, delta: current - reference };
    })
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.topic - b.topic);
}
