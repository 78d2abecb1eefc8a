import { describe, expect, it } from "vitest";
import { prepareEmergingTopics } from "./prepare-emerging-topics";
import { topicArtefacts } from "./chart-fixtures";

describe("prepareEmergingTopics", () => {
  it("lists emerging topics largest first with their examples", () => {
    const e = prepareEmergingTopics(topicArtefacts);
    expect(e.map((g) => g.size)).toEqual([30, 12]);
    expect(e[1]!.examples[0]!.text).toContain("Acme Vision");
  });
});
