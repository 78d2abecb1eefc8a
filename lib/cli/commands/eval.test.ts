/**
 * `driftline eval` run as users run it: the real CLI (bin/driftline.mjs) in a child process, with the
 * bundled offline embedding model.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sentenceBleu, sentenceChrf, rougeL, rougeN } from "../../evals/metrics";

const ROOT = join(import.meta.dirname, "..", "..", "..");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "driftline-eval-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, "bin", "driftline.mjs"), "eval", ...args],
      { cwd: ROOT, env: { ...process.env, EMBEDDING_MODEL: "driftline-glove-100d", EMBEDDING_OFFLINE: "1" }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function file(name: string, lines: Array<string | Record<string, unknown>>): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
  return path;
}

const PAIRS = [
  {
    prompt: "How do I reset my password?",
    response: "Open Settings, then Security, and click Reset password.",
    reference: "Go to Settings > Security and click Reset password.",
  },
  { prompt: "When will my refund arrive?", response: "Refunds take 5-7 business days.", reference: "Refunds are processed within 5-7 business days after we receive the item." },
  { prompt: "What is the capital of France?", response: "Paris is the capital of France.", reference: "Paris is the capital of France." },
];

describe("driftline eval", () => {
  it("--json prints every item in input order and the means, each value equal to the metric definitions", async () => {
    const input = await file("pairs.jsonl", PAIRS);
    const r = await cli(["--input", input, "--metrics", "bleu,chrf,rouge1,rouge2,rougeL,semscore,relevance", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    const out = JSON.parse(r.stdout) as { items: Array<Record<string, number>>; mean: Record<string, number> };
    expect(Object.keys(out)).toEqual(["items", "mean"]);
    expect(out.items).toHaveLength(3);
    const names = ["bleu", "chrf", "rouge1", "rouge2", "rougeL", "semscore", "relevance"];
    PAIRS.forEach((p, i) => {
      const item = out.items[i]!;
      expect(Object.keys(item)).toEqual(names);
      expect(item.bleu).toBeCloseTo(sentenceBleu(p.response, [p.reference]).score, 10);
      expect(item.chrf).toBeCloseTo(sentenceChrf(p.response, [p.reference]).score, 10);
      expect(item.rouge1).toBeCloseTo(rougeN(p.reference, p.response, 1).fmeasure, 10);
      expect(item.rouge2).toBeCloseTo(rougeN(p.reference, p.response, 2).fmeasure, 10);
      expect(item.rougeL).toBeCloseTo(rougeL(p.reference, p.response).fmeasure, 10);
      for (const n of names) {
        expect(item[n]).toBeGreaterThanOrEqual(0);
        expect(item[n]).toBeLessThanOrEqual(1);
      }
    });
    // Identical texts.
    expect(out.items[2]).toMatchObject({ bleu: 1, chrf: 1, rouge1: 1, rougeL: 1 });
    expect(out.items[2]!.semscore).toBeCloseTo(1, 6);
    for (const n of names) expect(out.mean[n]).toBeCloseTo(out.items.reduce((s, it) => s + it[n]!, 0) / 3, 10);
    expect(r.stderr).toMatch(/model: driftline-glove-100d@/);
  }, 60_000);

  it("prints a readable table by default, with a mean row", async () => {
    const input = await file("table.jsonl", PAIRS);
    const r = await cli(["--input", input, "--metrics", "bleu,rougeL,length_words"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/driftline eval — .*table\.jsonl, 3 items/);
    expect(lines[2]).toMatch(/^line\s+bleu\s+rougeL\s+length_words$/);
    expect(lines[5]).toMatch(/^3\s+1\.0000\s+1\.0000\s+6$/);
    expect(lines.at(-1)).toMatch(/^mean\s+\d\.\d{4}\s+\d\.\d{4}\s+\d+(\.\d)?$/);
  }, 60_000);

  it("--fail-below exits 1 when a mean is below its threshold, 0 when all hold", async () => {
    const input = await file("gate.jsonl", PAIRS);
    const low = await cli(["--input", input, "--metrics", "bleu,rougeL", "--fail-below", "bleu=0.9", "--fail-below", "rougeL=0.1", "--json"]);
    expect(low.code).toBe(1);
    expect(low.stderr).toMatch(/FAIL bleu mean 0\.\d{4} is below 0\.9/);
    expect(low.stderr).not.toMatch(/rougeL/);
    const ok = await cli(["--input", input, "--metrics", "bleu,rougeL", "--fail-below", "bleu=0.1", "--fail-below", "rougeL=0.1", "--json"]);
    expect(ok.code).toBe(0);
  }, 60_000);

  it("leaves a metric that cannot score a line null, with the reason, and out of the mean", async () => {
    const input = await file("skip.jsonl", [
      { response: "Hello there, how are you doing today?", prompt: "Wie geht es dir heute, mein Freund?" },
      { response: "Fine.", prompt: "ok" },
    ]);
    const r = await cli(["--input", input, "--metrics", "language_mismatch,empty", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.items).toEqual([
      { language_mismatch: 1, empty: 0 },
      { language_mismatch: null, empty: 0, skipped: { language_mismatch: "undetermined" } },
    ]);
    expect(out.mean).toEqual({ language_mismatch: 1, empty: 0 });
  }, 60_000);

  it("scores context_relevance from each line's retrieved contexts, and refuses contexts that are not strings", async () => {
    const input = await file("contexts.jsonl", [
      { prompt: "How do I export my invoices?", response: "Use Export.", contexts: ["Invoices are exported from the billing page with the export button."] },
      { prompt: "How do I export my invoices?", response: "Use Export." },
    ]);
    const r = await cli(["--input", input, "--metrics", "context_relevance", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.items[0].context_relevance).toBeGreaterThan(0);
    expect(out.items[0].context_relevance).toBeLessThanOrEqual(1);
    expect(out.items[1]).toEqual({ context_relevance: null, skipped: { context_relevance: "no_contexts" } });
    const bad = await file("bad-contexts.jsonl", [{ prompt: "q", response: "a", contexts: [{ content: "x" }] }]);
    const refused = await cli(["--input", bad, "--metrics", "context_relevance"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/bad-contexts\.jsonl:1: field "contexts" must be an array of strings/);
  }, 60_000);

  it("takes metric settings as JSON", async () => {
    const input = await file("settings.jsonl", [{ response: '{"answer": "yes"}' }, { response: "yes" }]);
    const r = await cli(["--input", input, "--metrics", "json_schema,regex", "--json", "--settings", JSON.stringify({ json_schema: { schema: { type: "object", required: ["answer"] } }, regex: { pattern: "^\\{" } })]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).items).toEqual([
      { json_schema: 1, regex: 1 },
      { json_schema: 0, regex: 0 },
    ]);
  }, 60_000);

  it("exits 2 on bad input, naming the line and what is wrong", async () => {
    const broken = await file("broken.jsonl", [PAIRS[0]!, "", '{"response": "a", "reference": "b"', PAIRS[1]!]);
    let r = await cli(["--input", broken, "--metrics", "bleu"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.jsonl:3: invalid JSON/);

    const noRef = await file("noref.jsonl", [PAIRS[0]!, { response: "only a response" }]);
    r = await cli(["--input", noRef, "--metrics", "rouge1,relevance"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/noref\.jsonl:2: field "reference" is missing \(needed by rouge1\)/);

    const wrongType = await file("type.jsonl", [{ response: 42, reference: "x" }]);
    r = await cli(["--input", wrongType, "--metrics", "bleu"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/type\.jsonl:1: field "response" must be a string, got number/);

    const notObject = await file("array.jsonl", ["[1, 2]"]);
    r = await cli(["--input", notObject, "--metrics", "bleu"]);
    expect(r.stderr).toMatch(/array\.jsonl:1: expected a JSON object per line/);

    r = await cli(["--input", noRef, "--metrics", "bleu,blue"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown metric "blue"; known: bleu, chrf/);

    r = await cli(["--input", noRef, "--metrics", "regex", "--settings", '{"regex":{"pattern":"(a+)+"}}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--settings regex\.pattern: pattern nests unbounded quantifiers/);

    r = await cli(["--input", noRef, "--metrics", "bleu", "--fail-below", "bleu=high"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fail-below bleu: "high" is not a number/);

    r = await cli(["--input", join(dir, "nope.jsonl"), "--metrics", "bleu"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.jsonl: cannot read file \(ENOENT\)/);

    r = await cli(["--metrics", "bleu"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing --input/);
  }, 120_000);

  it("scores a thousand pairs, in order", async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ response: `answer number ${i} is here`, reference: `answer number ${i} is there` }));
    const input = await file("many.jsonl", many);
    const r = await cli(["--input", input, "--metrics", "bleu,chrf", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.items).toHaveLength(1000);
    expect(out.items[999].bleu).toBeCloseTo(sentenceBleu(many[999]!.response, [many[999]!.reference]).score, 10);
  }, 60_000);
});
