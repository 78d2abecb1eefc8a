import { describe, expect, it } from "vitest";
import { prepareDailyMeans, prepareHistogram, scoreOptions, wordDiff } from "./prepare-evaluations";

describe("Evaluations page charts", () => {
  const daily = [
    { day: "2026-11-02", score: "golden.bleu", group: "gpt-4o", mean: 0.5, count: 3 },
    { day: "2026-11-01", score: "golden.bleu", group: "gpt-4o", mean: 0.4, count: 2 },
    { day: "2026-11-02", score: "golden.bleu", group: "gemini", mean: 0.2, count: 1 },
    { day: "2026-11-01", score: "golden.rougeL", group: "gpt-4o", mean: 0.9, count: 2 },
  ];

  it("one row a day, one key a group, null where a group had no trace that day", () => {
    expect(prepareDailyMeans(daily, "golden.bleu")).toEqual({
      keys: ["gemini", "gpt-4o"],
      rows: [
        { label: "2026-11-01", gemini: null, "gpt-4o": 0.4 },
        { label: "2026-11-02", gemini: 0.2, "gpt-4o": 0.5 },
      ],
    });
  });

  it("ten bins with the empty ones kept, and only the chosen score", () => {
    const bins = prepareHistogram(
      [
        { score: "golden.bleu", bin: 0, count: 2 },
        { score: "golden.bleu", bin: 9, count: 5 },
        { score: "golden.rougeL", bin: 3, count: 7 },
      ],
      "golden.bleu",
    );
    expect(bins).toHaveLength(10);
    expect(bins[0]).toEqual({ label: "0.0–0.1", count: 2 });
    expect(bins[9]).toEqual({ label: "0.9–1.0", count: 5 });
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(7);
  });

  it("score options keep the evaluator's order and add strays at the end", () => {
    expect(scoreOptions(["golden.rougeL", "golden.bleu", "golden.chrf"], daily)).toEqual(["golden.rougeL", "golden.bleu"]);
  });

  it("a word diff marks what the response left out and what it added", () => {
    expect(wordDiff("Open Settings then Billing.", "Open Billing settings.")).toEqual([
      { text: "Open ", kind: "same" },
      { text: "Settings then Billing.", kind: "removed" },
      { text: "Billing settings.", kind: "added" },
    ]);
    expect(wordDiff("same words", "same words")).toEqual([{ text: "same words", kind: "same" }]);
    expect(wordDiff("", "new")).toEqual([{ text: "new", kind: "added" }]);
  });
});
