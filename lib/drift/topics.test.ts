import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/drift";
import { sampleTopics, TOPIC_WORDS, topicCentres } from "./__fixtures__/topic-samples";
import { evaluateTopicDrift } from "./topics";

const settings = { alpha: 0.01, psi: 0.1, emergingShare: 0.1, emergingMinSize: 5, seed: 42 };
const texts = (topics: Int32Array, prefix: string) =>
  Array.from(topics, (t, i) => ({ traceId: `${prefix}-${i}`, text: `${TOPIC_WORDS[t]} question ${i % 7}` }));

describe("topic drift", () => {
  const centres = topicCentres(5, 16, 1);

  it("finds an emerging topic with examples and distinctive terms", () => {
    const rng = createRng(2);
    const ref = sampleTopics(centres, [1, 1, 1, 1, 0], 600, rng);
    const cur = sampleTopics(centres, [1, 1, 1, 1, 1], 400, rng);
    const out = evaluateTopicDrift({ x: ref.x, texts: texts(ref.topics, "r") }, { x: cur.x, texts: texts(cur.topics, "c") }, settings);
    expect(out.verdict).toBe("drift");
    const emerging = (out.artefacts.emergingTopics as Array<{ size: number; terms: string[]; examples: Array<{ text: string }> }>)[0]!;
    expect(emerging.size).toBeGreaterThan(50);
    expect(emerging.examples[0]!.text).toContain(TOPIC_WORDS[4]);
    expect(emerging.terms.some((t) => TOPIC_WORDS[4]!.includes(t))).toBe(true);
  });

  it("flags a changed topic mix", () => {
    const rng = createRng(3);
    const ref = sampleTopics(centres, [1, 1, 1, 1], 600, rng);
    const cur = sampleTopics(centres, [4, 1, 1, 0.2], 400, rng);
    const out = evaluateTopicDrift({ x: ref.x, texts: texts(ref.topics, "r") }, { x: cur.x, texts: texts(cur.topics, "c") }, settings);
    expect(out.verdict).toBe("drift");
    expect((out.statistics.mix as { drift: boolean }).drift).toBe(true);
  });
});
