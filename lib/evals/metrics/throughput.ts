/**
 * Throughput of prepared synchronous metrics over sample inputs, for benchmarks: how many inputs per
 * second one core scores with all the given metrics. Semantic metrics are left out (they embed).
 */
import type { PreparedMetric } from ".";
import type { EvalInput } from "./types";

export type ThroughputResult = { inputs: number; seconds: number; perSecond: number; microsPerInput: number };

export function measureMetricThroughput(metrics: readonly PreparedMetric[], inputs: readonly EvalInput[], options: { minSeconds?: number; warmup?: number } = {}): ThroughputResult {
  const { minSeconds = 1, warmup = Math.min(inputs.length, 200) } = options;
  const sync = metrics.filter((m): m is Extract<PreparedMetric, { async: false }> => !m.async);
  if (inputs.length === 0 || sync.length === 0) throw new Error("measureMetricThroughput needs inputs and at least one synchronous metric");
  let sink = 0;
  const runOne = (input: EvalInput) => {
    for (const m of sync) {
      const r = m.compute(input);
      if ("value" in r) sink += r.value;
    }
  };
  for (let i = 0; i < warmup; i++) runOne(inputs[i % inputs.length]!);
  let done = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < minSeconds * 1000) {
    for (const input of inputs) runOne(input);
    done += inputs.length;
    elapsed = performance.now() - started;
  }
  if (Number.isNaN(sink)) throw new Error("a metric returned NaN");
  const seconds = elapsed / 1000;
  return { inputs: done, seconds, perSecond: done / seconds, microsPerInput: (elapsed * 1000) / done };
}
