import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { computeMetrics, isMetricName, isSkipped, METRIC_NAMES, METRICS, prepareMetric, type EvalInput, type MetricResult } from ".";

const input = (over: Partial<EvalInput>): EvalInput => ({ prompt: null, response: null, reference: null, ...over });
const sync = (name: Parameters<typeof prepareMetric>[0], settings: unknown, i: EvalInput): MetricResult => {
  const m = prepareMetric(name, settings);
  if (m.async) throw new Error(`${name} is asynchronous`);
  return m.compute(i);
};

describe("the metric registry", () => {
  it("describes every metric name once, with what it needs", () => {
    expect(Object.keys(METRICS).sort()).toEqual([...METRIC_NAMES].sort());
    for (const name of METRIC_NAMES) {
      const m = METRICS[name];
      expect(m.name).toBe(name);
      expect(m.description.length).toBeGreaterThan(10);
      expect(m.needs.embedder).toBe(m.kind === "semantic");
      if (m.kind === "ngram") expect(m.needs.reference).toBe(true);
    }
    expect(isMetricName("rougeL")).toBe(true);
    expect(isMetricName("rougel")).toBe(false);
  });

  it("gives defaults for empty settings and rejects unknown or malformed settings with the field's path", () => {
    expect(prepareMetric("rouge1").settings).toEqual({ stemmer: false });
    expect(prepareMetric("pii").settings).toEqual({ kinds: ["email", "phone", "credit_card", "iban", "ssn", "ip", "secret"] });
    const issues = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(ZodError);
        return (error as ZodError).issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      }
      throw new Error("expected a ZodError");
    };
    expect(issues(() => prepareMetric("bleu", { smoothing: "none" }))[0]!.message).toMatch(/unrecognized/i);
    expect(issues(() => prepareMetric("regex", { pattern: "^(a+)+$" }))).toEqual([{ path: "pattern", message: expect.stringMatching(/nests unbounded/) }]);
    expect(issues(() => prepareMetric("regex", { pattern: "x", flags: "gg" }))[0]!.path).toBe("flags");
    expect(issues(() => prepareMetric("contains", { substrings: [] }))[0]!.path).toBe("substrings");
    expect(issues(() => prepareMetric("json_schema", { schema: { type: "nope" } }))[0]!.path).toBe("schema");
    expect(issues(() => prepareMetric("pii", { kinds: ["passport"] }))[0]!.path).toBe("kinds.0");
  });

  it("skips instead of scoring when an input is missing", () => {
    expect(sync("bleu", {}, input({ response: "a b c d" }))).toEqual({ skipped: "no_reference" });
    expect(sync("rougeL", {}, input({ reference: "a b" }))).toEqual({ skipped: "no_response" });
    expect(sync("language_mismatch", {}, input({ response: "Hello there, how are you doing today?" }))).toEqual({ skipped: "no_prompt" });
    expect(sync("language_mismatch", {}, input({ prompt: "Ok", response: "Hello there, how are you doing today?" }))).toEqual({ skipped: "undetermined" });
  });

  it("scores n-gram metrics with the reference as sacreBLEU's reference and rouge-score's target", () => {
    const i = input({ response: "testing", reference: "testing one two" });
    const r = sync("rouge1", {}, i);
    expect(r).toEqual({ value: 0.5, details: { precision: 1, recall: 1 / 3 } });
    expect(sync("bleu", {}, input({ response: "the cat sat on the mat", reference: "the cat sat on the mat" }))).toMatchObject({ value: 1 });
    expect(sync("chrf++", {}, input({ response: "the cat", reference: "the cat" }))).toMatchObject({ value: expect.any(Number) });
  });

  it("keeps every unit-scale n-gram value on [0, 1] over the generated reference cases", () => {
    const cases = (JSON.parse(readFileSync(join(import.meta.dirname, "__fixtures__/sacrebleu-reference.json"), "utf8")) as { cases: Array<{ hypothesis: string; references: string[] }> }).cases;
    const metrics = (["bleu", "chrf", "chrf++", "rouge1", "rouge2", "rougeL"] as const).map((n) => prepareMetric(n));
    for (const c of cases) {
      if (c.references[0] === "") continue;
      for (const m of metrics) {
        if (m.async) continue;
        const r = m.compute(input({ response: c.hypothesis, reference: c.references[0]! }));
        if (isSkipped(r)) throw new Error(`${m.name} skipped`);
        expect(r.value).toBeGreaterThanOrEqual(0);
        expect(r.value).toBeLessThanOrEqual(1);
      }
    }
  });

  it("runs heuristics from their settings", () => {
    expect(sync("empty", {}, input({ response: "  " }))).toEqual({ value: 1 });
    expect(sync("truncated", {}, input({ response: "All done.", finishReason: "length" }))).toEqual({ value: 1 });
    expect(sync("length_words", {}, input({ response: "three short words" }))).toEqual({ value: 3 });
    expect(sync("json_schema", { schema: { type: "object", required: ["a"] } }, input({ response: '{"a": 1}' }))).toEqual({ value: 1 });
    expect(sync("json_schema", { schema: { type: "object", required: ["a"] } }, input({ response: '{"b": 1}' }))).toEqual({ value: 0 });
    expect(sync("contains", { substrings: ["REFUND"] }, input({ response: "Your refund is on its way." }))).toEqual({ value: 1 });
    expect(sync("regex", { pattern: "^\\d{3}-\\d{4}$" }, input({ response: "555-0134" }))).toEqual({ value: 1 });
    expect(sync("refusal", {}, input({ response: "I'm sorry, but I can't help with that." }))).toEqual({ value: 1 });
    expect(sync("refusal", {}, input({ response: "Sure, here it is.", finishReason: "content_filter" }))).toEqual({ value: 1 });
    expect(sync("pii", {}, input({ response: "Write to jane@example.com." }))).toEqual({ value: 1, details: { email: 1 } });
    expect(
      sync("language_mismatch", {}, input({ prompt: "Wie kann ich mein Passwort zurücksetzen?", response: "Open the settings page and choose Reset password." })),
    ).toEqual({ value: 1 });
  });

  it("computeMetrics runs a mixed list; semantic metrics without an embedder are skipped", async () => {
    const metrics = (["bleu", "semscore", "empty"] as const).map((n) => prepareMetric(n));
    const out = await computeMetrics(metrics, input({ response: "a b c d", reference: "a b c d" }));
    expect(out).toEqual({ bleu: { value: 1, details: { brevityPenalty: 1 } }, semscore: { skipped: "no_embedder" }, empty: { value: 0 } });
  });
});
