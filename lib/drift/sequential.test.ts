import { describe, expect, it } from "vitest";
import { Adwin, Ddm, PageHinkley } from "./sequential";
import { loadReference } from "./__fixtures__/load-reference";

const seq = loadReference().sequential;

function detections(detector: { update(x: number): boolean }, stream: number[]): number[] {
  const out: number[] = [];
  stream.forEach((x, i) => {
    if (detector.update(x)) out.push(i);
  });
  return out;
}

describe("sequential detectors reproduce the river-equivalent traces", () => {
  it("Page–Hinkley (both directions, river defaults)", () => {
    expect(detections(new PageHinkley(), seq.latency)).toEqual(seq.pageHinkley.detections);
    expect(seq.pageHinkley.detections.length).toBeGreaterThan(1);
  });
  it("DDM drifts and warnings", () => {
    const ddm = new Ddm();
    const drifts: number[] = [];
    const warnings: number[] = [];
    seq.errors.forEach((x: number, i: number) => {
      if (ddm.update(x)) drifts.push(i);
      if (ddm.warningDetected) warnings.push(i);
    });
    expect(drifts).toEqual(seq.ddm.detections);
    expect(warnings).toEqual(seq.ddm.warnings);
  });
  it("ADWIN detections and window widths", () => {
    const adwin = new Adwin();
    const widths: number[] = [];
    const found: number[] = [];
    seq.stream.forEach((x: number, i: number) => {
      if (adwin.update(x)) found.push(i);
      widths.push(adwin.width);
    });
    expect(found).toEqual(seq.adwin.detections);
    expect(widths.filter((_, i) => i % 25 === 0)).toEqual(seq.adwin.widths);
    expect(adwin.width).toBe(seq.adwin.finalWidth);
  });
});
