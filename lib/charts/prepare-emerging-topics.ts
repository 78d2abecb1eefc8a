/** Emerging topics of a topic-drift result. */
import { num, obj } from "./monitor-labels";
import { type TopicExample, examplesOf, termsOf, topicLabel } from "./prepare-topic-mix";

export type EmergingTopic = { label: string; terms: string[]; examples: TopicExample[]; size: number; share: number; meanDistance: number | null };

/** Emerging topics (current prompts far from every reference topic), largest first. */
export function prepareEmergingTopics(artefacts: Record<string, unknown> | undefined): EmergingTopic[] {
  const raw = Array.isArray(obj(artefacts).emergingTopics) ? (obj(artefacts).emergingTopics as unknown[]) : [];
  return raw
    .map((r, i) => {
      const e = obj(r);
      const terms = termsOf(e.terms);
      const examples = examplesOf(e.examples);
      return { label: topicLabel(terms, examples, i), terms, examples, size: num(e.size) ?? 0, share: num(e.share) ?? 0, meanDistance: num(e.meanDistance) };
    })
    .sort((a, b) => b.size - a.size);
}
