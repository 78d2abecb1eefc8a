import autocannon from "autocannon";
import { apiHeaders, nativeTrace } from "./traffic";

export type LoadKind = "native" | "otlp";

export type LevelResult = {
  kind: LoadKind;
  connections: number;
  seconds: number;
  requests: number;
  /** Requests answered 2xx: traces acknowledged = accepted × traces per request. */
  accepted: number;
  tracesPerRequest: number;
  requestsPerSecond: number;
  tracesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Answers other than 2xx. */
  non2xx: number;
};

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0").slice(-width);

/** One OTLP/HTTP JSON export with one GenAI chat span; ids unique per `run` and `seq`. */
export function otlpJsonBody(run: number, seq: number): string {
  const start = BigInt(Date.now() - (seq % 3_600) * 1000) * 1_000_000n;
  const attr = (key: string, value: string | number) =>
    typeof value === "number" ? { key, value: { intValue: String(value) } } : { key, value: { stringValue: value } };
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [attr("service.name", "load-bench")] },
        scopeSpans: [
          {
            scope: { name: "load-bench" },
            spans: [
              {
                traceId: hex(run, 16) + hex(seq, 16),
                spanId: hex(seq, 16),
                name: "chat gpt-4o",
                kind: 3,
                startTimeUnixNano: String(start),
                endTimeUnixNano: String(start + 640_000_000n),
                attributes: [
                  attr("gen_ai.operation.name", "chat"),
                  attr("gen_ai.provider.name", "openai"),
                  attr("gen_ai.request.model", "gpt-4o"),
                  attr("gen_ai.response.model", "gpt-4o-2024-08-06"),
                  attr("gen_ai.usage.input_tokens", 40 + (seq % 20)),
                  attr("gen_ai.usage.output_tokens", 30 + (seq % 30)),
                  attr("gen_ai.input.messages", JSON.stringify([{ role: "user", parts: [{ type: "text", content: `How do I rotate API key ${seq % 97}?` }] }])),
                  attr("gen_ai.output.messages", JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "Settings, API keys, Rotate." }], finish_reason: "stop" }])),
                ],
                status: {},
              },
            ],
          },
        ],
      },
    ],
  });
}

let runCounter = Math.floor(Date.now() / 1000) % 1_000_000;

/**
 * One load level with autocannon: `connections` keep-alive connections post
 * for `seconds`, each request a native batch of `batchSize` traces or one
 * OTLP export, every trace with a fresh id (so every request is real work,
 * not a duplicate).
 */
export async function runLoadLevel(options: { url: string; kind: LoadKind; connections: number; seconds: number; batchSize?: number }): Promise<LevelResult> {
  const run = ++runCounter;
  const batchSize = options.kind === "native" ? (options.batchSize ?? 10) : 1;
  let seq = 0;
  const body = () => {
    const n = seq++;
    if (options.kind === "otlp") return otlpJsonBody(run, n);
    const now = Date.now();
    return JSON.stringify({
      traces: Array.from({ length: batchSize }, (_, j) => nativeTrace(`load-${run}-${n}-${j}`, new Date(now - ((n * 10 + j) % 3_600) * 1000), n * 10 + j)),
    });
  };
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
    requests: [
      {
        method: "POST",
        path: options.kind === "native" ? "/api/v1/traces" : "/v1/traces",
        headers: apiHeaders,
        setupRequest: (request) => ({ ...request, body: body() }),
      },
    ],
  });
  const requests = result["2xx"] + result.non2xx;
  return {
    kind: options.kind,
    connections: options.connections,
    seconds: result.duration,
    requests,
    accepted: result["2xx"],
    tracesPerRequest: batchSize,
    requestsPerSecond: requests / result.duration,
    tracesPerSecond: (result["2xx"] * batchSize) / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export type ProbeStats = { probes: number; failed: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Probes `GET /api/health` every `everyMs` (one at a time) while `keepGoing()` is true, at most `maxMs`. */
export function probeHealth(options: { url: string; everyMs: number; maxMs: number; keepGoing: () => boolean }): Promise<ProbeStats> {
  return probeRoutes({ ...options, routes: ["/api/health"] });
}

/**
 * GETs `routes` in turn, one request at a time, a request every `everyMs`,
 * while `keepGoing()` is true, at most `maxMs`; a non-2xx answer or an error
 * counts as failed (and its time still counts).
 */
export async function probeRoutes(options: {
  url: string;
  routes: string[];
  headers?: Record<string, string>;
  everyMs: number;
  maxMs: number;
  keepGoing: () => boolean;
}): Promise<ProbeStats> {
  const times: number[] = [];
  let failed = 0;
  const deadline = performance.now() + options.maxMs;
  for (let i = 0; options.keepGoing() && performance.now() < deadline; i++) {
    const started = performance.now();
    try {
      const route = options.routes[i % options.routes.length]!;
      const response = await fetch(`${options.url}${route}`, { headers: options.headers, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (!response.ok) failed++;
    } catch {
      failed++;
    }
    const elapsed = performance.now() - started;
    times.push(elapsed);
    await new Promise((r) => setTimeout(r, Math.max(0, options.everyMs - elapsed)));
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    probes: times.length,
    failed,
    p50Ms: quantile(sorted, 0.5),
    p95Ms: quantile(sorted, 0.95),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? NaN,
  };
}

export function formatLevel(r: LevelResult): string {
  return (
    `${r.kind.padEnd(6)} ${String(r.connections).padStart(3)} conn  ${r.requestsPerSecond.toFixed(0).padStart(6)} req/s ` +
    `${r.tracesPerSecond.toFixed(0).padStart(6)} traces/s  p50 ${r.p50Ms.toFixed(0).padStart(5)} ms  p99 ${r.p99Ms.toFixed(0).padStart(5)} ms  ` +
    `max ${r.maxMs.toFixed(0).padStart(5)} ms  errors ${r.errors}  non-2xx ${r.non2xx}`
  );
}

type Monitor = { id: string; backfilledAt: string | null };

/**
 * Gives the server a backfill to do: `traces` traces over the last `days`
 * days (posted before it returns, so their texts wait in the embedding
 * backlog) and three new monitors over that history — a metric monitor, which
 * backfills at once, and embedding and topic drift, which backfill once the
 * texts are embedded. `progress()` reads how far the work has come.
 */
export async function startBackfill(url: string, options: { traces: number; days: number }) {
  const api = async <T>(route: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${url}${route}`, { ...init, headers: apiHeaders });
    if (!response.ok) throw new Error(`${init.method ?? "GET"} ${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const end = Date.now();
  const span = options.days * 86_400_000;
  for (let i = 0; i < options.traces; i += 1000) {
    const traces = Array.from({ length: Math.min(1000, options.traces - i) }, (_, j) => {
      const n = i + j;
      return nativeTrace(`backfill-${end}-${n}`, new Date(end - span + Math.floor((n / options.traces) * span)), n);
    });
    await api("/api/v1/traces", { method: "POST", body: JSON.stringify({ traces }) });
  }
  const monitors: Monitor[] = [];
  for (const spec of [
    { name: "backfill latency", kind: "metric", window: "1h", schedule: "0 * * * *", thresholds: { metric: "latency_ms", minSamples: 5 } },
    { name: "backfill embeddings", kind: "embedding_drift", window: "6h", schedule: "0 */6 * * *", thresholds: { minSamples: 10 } },
    { name: "backfill topics", kind: "topic_drift", window: "6h", schedule: "0 */6 * * *" },
  ]) {
    monitors.push(await api<Monitor>("/api/v1/monitors", { method: "POST", body: JSON.stringify(spec) }));
  }
  return {
    async progress(): Promise<{ pending: number; monitorsLeft: number }> {
      const backlog = await api<{ pending: number }>("/api/v1/embeddings/backlog");
      let monitorsLeft = 0;
      for (const m of monitors) if (!(await api<Monitor>(`/api/v1/monitors/${m.id}`)).backfilledAt) monitorsLeft++;
      return { pending: backlog.pending, monitorsLeft };
    },
  };
}
