/** Concept drift: per-topic quality comparisons. */
import { num, obj } from "./monitor-labels";
import { examplesOf, termsOf, topicLabel } from "./prepare-topic-mix";

export type QualityRow = {
  topic: number;
  topicLabel: string;
  metric: string;
  test: string;
  reference: number;
  current: number;
  referenceN: number;
  currentN: number;
  effect: number;
  pValue: number;
  adjustedP: number;
  significant: boolean;
};

/** Concept drift: per-topic quality comparisons, significant ones first, then by adjusted p. */
export function prepareConceptQuality(artefacts: Record<string, unknown> | undefined, statistics: Record<string, unknown> | undefined): QualityRow[] {
  const labels = new Map<number, string>();
  for (const raw of Array.isArray(obj(artefacts).topics) ? (obj(artefacts).topics as unknown[]) : []) {
    const t = obj(raw);
    const topic = num(t.topic) ?? 0;
    labels.set(topic, topicLabel(termsOf(t.terms), examplesOf(t.examples), topic));
  }
  const comparisons = Array.isArray(obj(statistics).comparisons) ? (obj(statistics).comparisons as unknown[]) : [];
  return comparisons
    .map((raw) => {
      const c = obj(raw);
      const topic = num(c.topic) ?? 0;
      return {
        topic,
        topicLabel: labels.get(topic) ?? `topic ${topic + 1}`,
        metric: String(c.metric ?? ""),
        test: String(c.test ?? ""),
        reference: num(obj(c.reference).value) ?? 0,
        current: num(obj(c.current).value) ?? 0,
        referenceN: num(obj(c.reference).n) ?? 0,
        currentN: num(obj(c.current).n) ?? 0,
        effect: num(c.effect) ?? 0,
        pValue: num(c.pValue) ?? 1,
        adjustedP: num(c.adjustedP) ?? 1,
        significant: c.significant === true,
      };
    })
    .sort((a, b) => Number(b.significant) - Number(a.significant) || a.adjustedP - b.adjustedP);
}
