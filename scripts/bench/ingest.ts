// `npm run bench:ingest`: ingest throughput and acknowledgement latency of the
// native batch API over real HTTP against the production build on the real
// PostgreSQL server, side by side with a baseline of raw multi-row INSERTs of
// the same rows into the same table through `pg`, in the same run.
//
//   BENCH_TRACES (default 3000) traces per case; BENCH_BATCHES (default 1,100,1000).
//   BENCH_CLIENT_COST=0: the traces carry no costUsd, so the API prices each from the price table.
//   TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) — a
//   fresh database is created and dropped. Needs `npx next build` first.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { startApp, TEST_KEY, TEST_PROJECT } from "../../testing/app-server";
import { benchRow, isQuick, writeBenchSection } from "./results";

process.env.TEST_DATABASE_URL ??= "postgres://postgres@127.0.0.1:5432/postgres";
// --quick (npm run bench -- --quick): 500 traces per case, batches 1 and 100. --json <file>: see results.ts.
if (isQuick()) process.env.BENCH_TRACES ??= "500";
if (isQuick()) process.env.BENCH_BATCHES ??= "1,100";
const TOTAL = Number(process.env.BENCH_TRACES ?? 3000);
const CLIENT_COST = process.env.BENCH_CLIENT_COST !== "0";

function makeTrace(i: number, run: string) {
  return {
    id: `${run}-${i}`,
    timestamp: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
    provider: "openai",
    model: i % 3 === 0 ? "gpt-4o" : "gpt-4o-mini",
    modelVersion: "gpt-4o-mini-2024-07-18",
    route: i % 2 ? "cheap" : "quality",
    prompt: [
      { role: "system", content: "You are a helpful support assistant for Acme." },
      { role: "user", content: `How do I change the billing address on invoice ${i}? It still shows my old office.` },
    ],
    response: `Open Settings → Billing, edit the address, and re-issue invoice ${i}; the PDF updates within a minute.`,
    latencyMs: 500 + (i % 700),
    ttftMs: 120,
    inputTokens: 40 + (i % 50),
    outputTokens: 30 + (i % 40),
    costUsd: CLIENT_COST ? 0.0001 : undefined,
    status: "ok",
    finishReason: "stop",
    userId: `u-${i % 97}`,
    sessionId: `s-${i % 400}`,
    tags: ["billing"],
    metadata: { plan: "pro" },
    scores: { user_feedback: i % 5 === 0 ? 0 : 1 },
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

type Result = { tracesPerSecond: number; p50: number; p99: number };
const measured: Array<{ batchSize: number; api: Result; same: Result; raw: Result }> = [];

function summarise(latencies: number[], traces: number): Result {
  const sorted = [...latencies].sort((a, b) => a - b);
  const busySeconds = latencies.reduce((a, b) => a + b, 0) / 1000;
  return { tracesPerSecond: traces / busySeconds, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

type Trace = ReturnType<typeof makeTrace>;

/** One native batch over HTTP, timed from sending the (already serialised) body to reading the answer. */
async function postBatch(url: string, traces: Trace[]): Promise<number> {
  const body = JSON.stringify({ traces });
  const t0 = performance.now();
  const response = await fetch(`${url}/api/v1/traces`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TEST_KEY}`, "Content-Type": "application/json" },
    body,
  });
  const answer = (await response.json()) as { accepted?: number };
  const elapsed = performance.now() - t0;
  if (response.status !== 200 || answer.accepted !== traces.length) {
    throw new Error(`ingest failed: ${response.status} ${JSON.stringify(answer).slice(0, 300)}`);
  }
  return elapsed;
}

const RAW_COLUMNS = [
  "project_id", "external_id", "started_at", "provider", "model", "model_version", "route", "prompt", "response",
  "prompt_text", "response_text", "latency_ms", "ttft_ms", "input_tokens", "output_tokens", "cost_usd", "status",
  "finish_reason", "user_id", "session_id", "tags", "metadata",
];

/** Multi-row INSERT text and values for `rows` of `columns` (one tuple per row). */
function multiRow(table: string, columns: string[], rows: unknown[][]): { text: string; values: unknown[] } {
  const values = rows.flat();
  const tuples = rows.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(",")})`);
  return { text: `insert into ${table} (${columns.join(",")}) values ${tuples.join(",")}`, values };
}

/** One trace's values in RAW_COLUMNS order. */
function traceValues(projectId: string, t: Trace): unknown[] {
  return [
    projectId, t.id, t.timestamp, t.provider, t.model, t.modelVersion, t.route, JSON.stringify(t.prompt),
    JSON.stringify(t.response), t.prompt[1]!.content, t.response, t.latencyMs, t.ttftMs, t.inputTokens,
    t.outputTokens, t.costUsd, t.status, t.finishReason, t.userId, t.sessionId, t.tags, JSON.stringify(t.metadata),
  ];
}

/** The same rows as one plain multi-row INSERT of the trace columns (no validation, scores, backlog or HTTP), timed around the query. */
async function rawInsert(pool: pg.Pool, projectId: string, rows: Trace[]): Promise<number> {
  const insert = multiRow("traces", RAW_COLUMNS, rows.map((t) => traceValues(projectId, t)));
  const t0 = performance.now();
  await pool.query(insert.text, insert.values);
  return performance.now() - t0;
}

/**
 * Every row the API writes for these traces — the trace rows, their score rows
 * and their two embedding-backlog rows (prompt, response) — as plain multi-row
 * INSERTs in one transaction, the ids made by the client so no statement waits
 * for another's RETURNING; timed from BEGIN to COMMIT.
 */
async function rawInsertSameRows(pool: pg.Pool, projectId: string, rows: Trace[]): Promise<number> {
  const ids = rows.map(() => randomUUID());
  const traceRows = rows.map((t, r) => [ids[r], ...traceValues(projectId, t)]);
  const traces = multiRow("traces", ["id", ...RAW_COLUMNS], traceRows);
  const scores = multiRow(
    "scores",
    ["project_id", "trace_id", "name", "source", "value"],
    rows.flatMap((t, r) => Object.entries(t.scores).map(([name, value]) => [projectId, ids[r], name, "sdk", value])),
  );
  const backlog = multiRow(
    "embedding_backlog",
    ["project_id", "trace_id", "kind"],
    ids.flatMap((id) => [[projectId, id, "prompt"], [projectId, id, "response"]]),
  );
  const client = await pool.connect();
  try {
    const t0 = performance.now();
    await client.query("begin");
    await client.query(traces.text, traces.values);
    await client.query(scores.text, scores.values);
    await client.query(backlog.text, backlog.values);
    await client.query("commit");
    return performance.now() - t0;
  } finally {
    client.release();
  }
}

/**
 * Both sides interleaved request by request (API, raw, raw, API, …) on the
 * same table, so load from elsewhere on the machine and the table's growth
 * hit both alike. Throughput is traces over the summed time of each side's
 * own requests: what one client sending back to back would see.
 */
async function measure(url: string, pool: pg.Pool, projectId: string, batchSize: number, run: string) {
  const sides = [
    { name: "api", times: [] as number[], send: (rows: Trace[]) => postBatch(url, rows) },
    { name: "same", times: [] as number[], send: (rows: Trace[]) => rawInsertSameRows(pool, projectId, rows) },
    { name: "traces", times: [] as number[], send: (rows: Trace[]) => rawInsert(pool, projectId, rows) },
  ];
  for (let offset = 0, n = 0; offset < TOTAL; offset += batchSize, n++) {
    const size = Math.min(batchSize, TOTAL - offset);
    // A rotating order, so no side always runs first (or right after another).
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(n + k) % sides.length]!;
      const rows = Array.from({ length: size }, (_, j) => makeTrace(offset + j, `${side.name}-${run}`));
      side.times.push(await side.send(rows));
    }
  }
  const [api, same, traces] = sides.map((side) => summarise(side.times, TOTAL)) as [Result, Result, Result];
  return { api, same, raw: traces };
}

const app = await startApp({ database: "postgres", env: { DRIFTLINE_DEMO: "0", DRIFTLINE_JOBS: "off" } });
const dbUrl = app.databaseUrl;
try {
  const health = (await (await fetch(`${app.url}/api/health`)).json()) as { database: string };
  if (health.database !== "postgres") throw new Error("the benchmark needs the PostgreSQL server");
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  const [{ id: projectId }] = (await pool.query<{ id: string }>("select id from projects where slug = $1", [TEST_PROJECT])).rows as [{ id: string }];
  console.log(
    `ingest benchmark: ${TOTAL} traces per case and side, one client, the three sides interleaved request by request ` +
      `in a rotating order, PostgreSQL, embedding jobs off, ${CLIENT_COST ? "cost sent by the client" : "no client cost (priced by the API)"}\n`,
  );
  console.log("same rows = every row the API writes (traces, scores, embedding backlog) as raw multi-row INSERTs in one transaction;");
  console.log("trace rows = the trace rows alone, one raw multi-row INSERT\n");
  console.log("batch | API traces/s | API p50 ms | API p99 ms | same rows traces/s | p50 ms | API ÷ same rows | trace rows traces/s | p50 ms | API ÷ trace rows");
  console.log("---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---:");
  // A running server has planner statistics for its tables (autovacuum, or the
  // analyze task on PGlite); give this fresh database the same before measuring.
  await measure(app.url, pool, projectId, 100, `warmup-${randomUUID().slice(0, 8)}`);
  await pool.query("analyze");
  const batches = (process.env.BENCH_BATCHES ?? "1,100,1000").split(",").map(Number);
  for (const batchSize of batches) {
    const run = randomUUID().slice(0, 8);
    const { api, same, raw } = await measure(app.url, pool, projectId, batchSize, `${batchSize}-${run}`);
    console.log(
      `${batchSize} | ${api.tracesPerSecond.toFixed(0)} | ${api.p50.toFixed(1)} | ${api.p99.toFixed(1)} | ` +
        `${same.tracesPerSecond.toFixed(0)} | ${same.p50.toFixed(1)} | ${(api.tracesPerSecond / same.tracesPerSecond).toFixed(2)} | ` +
        `${raw.tracesPerSecond.toFixed(0)} | ${raw.p50.toFixed(1)} | ${(api.tracesPerSecond / raw.tracesPerSecond).toFixed(2)}`,
    );
    measured.push({ batchSize, api, same, raw });
  }
  await writeBenchSection({
    name: "ingest",
    title: "Ingest",
    script: "scripts/bench/ingest.ts",
    rows: measured.flatMap(({ batchSize, api, same, raw }) => [
      benchRow({
        figure: `batch ${batchSize}: throughput, native API over HTTP`,
        value: api.tracesPerSecond,
        unit: "traces/s",
        baseline: "the same rows (traces, scores, backlog) as raw multi-row INSERTs in one transaction",
        baselineValue: same.tracesPerSecond,
        target: batchSize === 100 ? { on: "ratio", op: ">=", limit: 0.5 } : undefined,
      }),
      benchRow({
        figure: `batch ${batchSize}: throughput, native API over HTTP`,
        value: api.tracesPerSecond,
        unit: "traces/s",
        baseline: "the trace rows alone as one raw multi-row INSERT",
        baselineValue: raw.tracesPerSecond,
      }),
      benchRow({ figure: `batch ${batchSize}: p50 acknowledgement`, value: api.p50, unit: "ms", baseline: "same rows, raw INSERT p50", baselineValue: same.p50 }),
      benchRow({ figure: `batch ${batchSize}: p99 acknowledgement`, value: api.p99, unit: "ms", baseline: "same rows, raw INSERT p99", baselineValue: same.p99 }),
    ]),
    notes: [
      `${TOTAL.toLocaleString("en-US")} traces per case and side, one client, the API and both raw baselines interleaved request by request in a rotating order on the same tables, embedding jobs off; throughput is traces over the summed time of each side’s requests.`,
    ],
  });
  await pool.end();
} finally {
  await app.stop();
}
