import { describe, expect, it } from "vitest";
import { prepareTopicMix, topicLabel } from "./prepare-topic-mix";
import { topicArtefacts } from "./chart-fixtures";

describe("prepareTopicMix", () => {
  it("labels topics by terms (else an example) and orders by the size of the change", () => {
    const mix = prepareTopicMix(topicArtefacts);
    expect(mix.map((t) => t.topic)).toEqual([1, 0]);
    expect(mix[0]).toMatchObject({ label: "how do I write a SQL join", reference: 0.5, current: 0.2 });
    expect(mix[1]!.label).toBe("refund · order");
    expect(topicLabel([], [], 4)).toBe("topic 5");
  });
});
