import { describe, expect, it } from "vitest";
import { prepareProjection, projectionKinds } from "./prepare-projection";
import { topicArtefacts } from "./chart-fixtures";

describe("prepareProjection", () => {
  it("splits projection points by window and drops malformed ones", () => {
    const p = prepareProjection(topicArtefacts, "prompt");
    expect(p.reference).toEqual([{ traceId: "t1", x: 1, y: 2 }]);
    expect(p.current).toEqual([{ traceId: "t2", x: 3, y: 4 }]);
    expect(projectionKinds(topicArtefacts)).toEqual(["prompt"]);
    expect(prepareProjection({}, "response").current).toEqual([]);
  });
});
