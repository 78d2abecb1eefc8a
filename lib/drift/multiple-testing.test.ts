import { describe, expect, it } from "vitest";
import { benjaminiHochbergAdjust, holmAdjust } from "./multiple-testing";

describe("multiple-comparison corrections", () => {
  const p = [0.01, 0.04, 0.03, 0.005, 0.5];
  it("Holm matches R's p.adjust(method = 'holm')", () => {
    // R: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5), "holm") → 0.04 0.09 0.09 0.025 0.5
    expect(holmAdjust(p).map((x) => Number(x.toFixed(6)))).toEqual([0.04, 0.09, 0.09, 0.025, 0.5]);
  });
  it("Benjamini–Hochberg matches R's p.adjust(method = 'BH')", () => {
    // R: 0.025 0.05 0.05 0.025 0.5
    expect(benjaminiHochbergAdjust(p).map((x) => Number(x.toFixed(6)))).toEqual([0.025, 0.05, 0.05, 0.025, 0.5]);
  });
});
