/**
 * `npx tsx scripts/bench/evals-metrics.ts` — how many traces per second one core scores with the
 * n-gram metrics (BLEU, chrF, ROUGE-1/2/L) and the heuristics, on support-assistant answers of
 * 300–1,500 characters with references of similar length. The evaluator job's target is 1,000
 * traces/s of n-gram + heuristics on one core. Prints a markdown table.
 *
 *   --seconds N   measuring time per row (default 2)
 */
import { prepareMetric, type EvalInput, type MetricName } from "../../lib/evals/metrics";
import { measureMetricThroughput } from "../../lib/evals/metrics/throughput";
import { createRng, type Rng } from "../../lib/drift/random";

const SENTENCES = [
  "To reset your password, open Settings, then Security, and click Reset password.",
  "We will email you a link that is valid for 30 minutes.",
  "If the link has expired, request a new one from the sign-in page.",
  "Refunds are processed within 5-7 business days after we receive the returned item.",
  "You can track the refund under Orders > Returns.",
  "The API rate limit is 1,000 requests per minute per key; bursts up to 2,000 are allowed.",
  "Use the `Retry-After` header to know when to try again.",
  "To join two tables, use SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id;",
  "Make sure both columns are indexed, or the query will scan the whole table.",
  "Our support team is available Monday to Friday, 9 a.m. to 5 p.m. CET.",
  "Upgrading to the Pro plan adds SSO, audit logs and unlimited projects.",
  "Your invoice for March is attached; the total is $1,234.56 including VAT.",
  "Please contact billing@example.com if any line looks wrong.",
  "The deployment failed because the container ran out of memory; raise the limit to 1 GiB.",
];

function text(rng: Rng, sentences: number): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(SENTENCES[rng.nextInt(SENTENCES.length)]!);
  return out.join(" ");
}

function sampleInputs(n: number): EvalInput[] {
  const rng = createRng(7);
  return Array.from({ length: n }, () => {
    const k = 4 + rng.nextInt(14);
    return { prompt: "How do I reset my password and get a refund?", response: text(rng, k), reference: text(rng, k), finishReason: "stop" };
  });
}

const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1]) || 2;
const inputs = sampleInputs(500);
const meanChars = inputs.reduce((s, i) => s + i.response!.length, 0) / inputs.length;

const NGRAM: MetricName[] = ["bleu", "chrf", "rouge1", "rouge2", "rougeL"];
const HEURISTICS: MetricName[] = ["empty", "truncated", "length_chars", "length_words", "json_valid", "contains", "regex", "language_mismatch", "pii", "refusal"];
const settings: Partial<Record<MetricName, unknown>> = { contains: { substrings: ["refund"] }, regex: { pattern: "\\brefund\\b", flags: "i" } };
const rows: Array<[string, MetricName[]]> = [
  ...NGRAM.map((m): [string, MetricName[]] => [m, [m]]),
  ["chrf++", ["chrf++"]],
  ["all n-gram", NGRAM],
  ...HEURISTICS.map((m): [string, MetricName[]] => [m, [m]]),
  ["all heuristics", HEURISTICS],
  ["n-gram + heuristics", [...NGRAM, ...HEURISTICS]],
];

console.log(`inputs: ${inputs.length} traces, mean response ${meanChars.toFixed(0)} characters; ${seconds} s per row, one core\n`);
console.log("| metrics | traces/s | µs/trace |");
console.log("|---|---:|---:|");
for (const [label, names] of rows) {
  const prepared = names.map((n) => prepareMetric(n, settings[n]));
  const r = measureMetricThroughput(prepared, inputs, { minSeconds: seconds });
  console.log(`| ${label} | ${r.perSecond.toFixed(0)} | ${r.microsPerInput.toFixed(1)} |`);
}
