import { TEST_KEY } from "./app-server";

export const apiHeaders = { Authorization: `Bearer ${TEST_KEY}`, "Content-Type": "application/json" };

const TOPICS = [
  ["How do I export my invoices?", "Open Billing, Invoices and choose Export."],
  ["My API key stopped working after the rotation", "Create a new key in Settings and update your client."],
  ["Write a SQL query counting orders per day", "select date_trunc('day', created_at), count(*) from orders group by 1"],
  ["Can I get a refund for last month?", "Refunds are available within 30 days from Billing, Refunds."],
] as const;

/** One native trace with a client id, at `timestamp`, varied enough for the statistics to have something to chew on. */
export function nativeTrace(id: string, timestamp: Date, i = 0) {
  const [prompt, response] = TOPICS[i % TOPICS.length]!;
  return {
    id,
    timestamp: timestamp.toISOString(),
    provider: "openai",
    model: i % 3 === 0 ? "gpt-4o" : "gpt-4o-mini",
    modelVersion: "gpt-4o-mini-2024-07-18",
    route: "support",
    prompt: [{ role: "user", content: `${prompt} (case ${i % 50})` }],
    response,
    latencyMs: 300 + ((i * 37) % 900),
    inputTokens: 12 + (i % 30),
    outputTokens: 10 + (i % 40),
    costUsd: 0.00004,
    status: "ok",
  };
}

export type LoadStats = { acknowledged: Set<string>; unacknowledged: Set<string>; answered: Map<number, number>; requests: number };

/**
 * Clients that post native batches with unique ids in a loop until `stop()`,
 * against whatever URL `target()` gives at the time (a restarted server has a
 * new one). An id counts as acknowledged only when its batch was answered
 * 200/207 with the item `accepted`; every other id is unacknowledged (a
 * refused connection, a 503, a reset mid-answer).
 */
export function startIngestLoad(options: {
  target: () => string;
  clients: number;
  batchSize: number;
  prefix: string;
  /** Trace timestamps are spread over [now - spreadMs, now). */
  spreadMs: number;
}): { stats: LoadStats; stop(): Promise<LoadStats> } {
  const stats: LoadStats = { acknowledged: new Set(), unacknowledged: new Set(), answered: new Map(), requests: 0 };
  let running = true;
  const clients = Array.from({ length: options.clients }, async (_, client) => {
    for (let seq = 0; running; seq++) {
      const now = Date.now();
      const traces = Array.from({ length: options.batchSize }, (_, j) => {
        const n = seq * options.batchSize + j;
        return nativeTrace(`${options.prefix}-c${client}-${n}`, new Date(now - ((n * 7_919_000 + client * 1_047_290) % options.spreadMs)), n);
      });
      stats.requests++;
      let status = 0;
      let items: Array<{ id: string; status: string }> = [];
      try {
        const response = await fetch(`${options.target()}/api/v1/traces`, {
          method: "POST",
          headers: apiHeaders,
          body: JSON.stringify({ traces }),
          signal: AbortSignal.timeout(15_000),
        });
        status = response.status;
        if (status === 200 || status === 207) items = ((await response.json()) as { items: typeof items }).items;
      } catch {
        status = -1; // refused, reset, or cut off mid-answer
      }
      stats.answered.set(status, (stats.answered.get(status) ?? 0) + 1);
      const accepted = new Set(items.filter((item) => item.status === "accepted").map((item) => item.id));
      for (const t of traces) (accepted.has(t.id) ? stats.acknowledged : stats.unacknowledged).add(t.id);
      if (status !== 200 && status !== 207) await new Promise((r) => setTimeout(r, 100));
    }
  });
  return {
    stats,
    async stop() {
      running = false;
      await Promise.all(clients);
      return stats;
    },
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
