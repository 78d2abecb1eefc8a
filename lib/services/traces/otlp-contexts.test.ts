import { describe, expect, it } from "vitest";
import { mergeContexts } from "./otlp-contexts";

const ctx = (content: string) => ({ content, id: null, source: null, score: null });

describe("mergeContexts", () => {
  it("takes the joined list when it holds everything the call already has", () => {
    expect(mergeContexts(null, [ctx("a")])).toEqual([ctx("a")]);
    expect(mergeContexts([ctx("b")], [ctx("a"), ctx("b")])).toEqual([ctx("a"), ctx("b")]);
  });

  it("never drops what the call has (documents kept past the window are gone): appends what it lacks", () => {
    expect(mergeContexts([ctx("old")], [ctx("new")])).toEqual([ctx("old"), ctx("new")]);
    expect(mergeContexts([ctx("old"), ctx("x")], [ctx("x"), ctx("new")])).toEqual([ctx("old"), ctx("x"), ctx("new")]);
  });

  it("keeps at most 50 contexts", () => {
    const many = Array.from({ length: 50 }, (_, i) => ctx(`d${i}`));
    expect(mergeContexts([ctx("old")], many)).toHaveLength(50);
  });
});
