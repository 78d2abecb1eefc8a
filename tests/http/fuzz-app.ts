/**
 * The fuzz suite's view of a running app: its settings (signed in as the
 * headless admin), the read API, and on PostgreSQL the database itself.
 */
import pg from "pg";
import { expect } from "vitest";
import type { ExpectedTrace } from "./fuzz-native";
import { RULES } from "./fuzz-rules";
import { TEST_KEY, TEST_PROJECT, type RunningApp } from "../../testing/app-server";

export const ADMIN = { email: "http-admin@example.com", password: "http suite password" };
const auth = { Authorization: `Bearer ${TEST_KEY}` };

function cookiesOf(response: Response, jar: Map<string, string>) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
}

/**
 * Signs in through the credentials form and sets the project's PII redaction:
 * random text can look like a phone number or an IP address, and the fuzz
 * oracle checks strings verbatim, so the suite runs with redaction off.
 */
export async function setRedaction(app: RunningApp, redaction: string): Promise<void> {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${app.url}/api/auth/csrf`);
  cookiesOf(csrf, jar);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const login = await fetch(`${app.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email: ADMIN.email, password: ADMIN.password, json: "true" }),
  });
  cookiesOf(login, jar);
  const patch = await fetch(`${app.url}/api/projects/${TEST_PROJECT}/settings`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json", Cookie: cookie(), Origin: app.url },
    body: JSON.stringify({ redaction }),
  });
  expect(patch.status, await patch.clone().text()).toBe(200);
  expect((await patch.json()).redaction).toBe(redaction);
}

export type TraceView = Record<string, unknown> & { externalId: string; timestamp: string };

/** GET /api/v1/traces/{id}: the view, or null for 404. */
export async function readTrace(app: RunningApp, id: string): Promise<TraceView | null> {
  // A URL path cannot name "." or ".." (they are resolved away, even percent-encoded): look those up in the list.
  if (id === "." || id === "..") return (await listAllTraces(app)).find((t) => t.externalId === id) ?? null;
  const response = await fetch(`${app.url}/api/v1/traces/${encodeURIComponent(id)}`, { headers: auth });
  if (response.status === 404) return null;
  expect(response.status, `GET trace ${JSON.stringify(id)}: ${await response.clone().text()}`).toBe(200);
  return (await response.json()) as TraceView;
}

/** Every trace the key's project holds, through the list endpoint's cursor. */
export async function listAllTraces(app: RunningApp): Promise<TraceView[]> {
  const all: TraceView[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `/api/v1/traces?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const response = await fetch(`${app.url}${query}`, { headers: auth });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { data: TraceView[]; nextCursor: string | null };
    all.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** Direct access to the app's own PostgreSQL database (the postgres target only). */
export class Database {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly projectId: string,
  ) {}

  static async open(app: RunningApp): Promise<Database | null> {
    if (app.database !== "postgres" || !app.databaseUrl) return null;
    const pool = new pg.Pool({ connectionString: app.databaseUrl, max: 2 });
    const { rows } = await pool.query<{ id: string }>("select id from projects where slug = $1", [TEST_PROJECT]);
    return new Database(pool, rows[0]!.id);
  }

  /** How many rows each external id has. */
  async counts(ids: string[]): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ external_id: string; n: string }>(
      "select external_id, count(*) as n from traces where project_id = $1 and external_id = any($2::text[]) group by external_id",
      [this.projectId, ids],
    );
    return new Map(rows.map((r) => [r.external_id, Number(r.n)]));
  }

  async total(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>("select count(*) as n from traces where project_id = $1", [this.projectId]);
    return Number(rows[0]!.n);
  }

  /** Stored values the read API does not show as they are in the table: tags as text[], empty strings anywhere. */
  async invalidRows(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `select count(*) as n from traces
        where project_id = $1
          and (external_id = '' or provider = '' or model = '' or model_version = '' or route = ''
               or finish_reason = '' or user_id = '' or session_id = '' or '' = any(tags)
               or length(external_id) > ${RULES.maxIdLength} or started_at < '2000-01-01T00:00:00Z'
               or latency_ms < 0 or ttft_ms > latency_ms or input_tokens < 0 or cost_usd < 0)`,
      [this.projectId],
    );
    const scores = await this.pool.query<{ n: string }>("select count(*) as n from scores where project_id = $1 and name = ''", [
      this.projectId,
    ]);
    return Number(rows[0]!.n) + Number(scores.rows[0]!.n);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Columns of type text (not jsonb or arrays): where PGlite's reader drops a leading U+FEFF (score names too). */
const TEXT_COLUMNS = new Set(["externalId", "provider", "model", "modelVersion", "route", "error", "finishReason", "userId", "sessionId"]);

/**
 * KNOWN BUG (PGlite 0.5, not Driftline's code): PGlite decodes each text value
 * with a TextDecoder that treats a leading U+FEFF as a byte-order mark and drops
 * it. The value is stored whole (length() counts it); only reading it back
 * through PGlite loses it. PostgreSQL via `pg` is not affected.
 */
export function asReadFrom(database: "pglite" | "postgres", value: string): string {
  return database === "pglite" && value.startsWith("\uFEFF") ? value.slice(1) : value;
}

/** The read API's view of a stored trace against what the documented rules say it must hold. */
export function expectStored(view: TraceView | null | undefined, expected: ExpectedTrace, database: "pglite" | "postgres"): void {
  const label = `trace ${JSON.stringify(expected.externalId)}`;
  expect(view, `${label} is stored`).toBeTruthy();
  const v = view!;
  for (const [field, value] of Object.entries(expected.fields)) {
    const want = TEXT_COLUMNS.has(field) && typeof value === "string" ? asReadFrom(database, value) : value;
    expect(v[field], `${label}.${field}`).toEqual(want);
  }
  const scores = Object.fromEntries(Object.entries(expected.scores).map(([name, value]) => [asReadFrom(database, name), value]));
  expect(v.scores, `${label}.scores`).toEqual(scores);
  if (expected.timestampMs !== null) {
    expect(v.timestamp, `${label}.timestamp`).toBe(new Date(expected.timestampMs).toISOString());
  } else {
    const at = Date.parse(v.timestamp);
    expect(at, `${label}.timestamp (time received)`).toBeGreaterThanOrEqual(expected.receivedWindow![0] - 1000);
    expect(at, `${label}.timestamp (time received)`).toBeLessThanOrEqual(expected.receivedWindow![1] + 1000);
  }
  if (expected.costUsd === null) expect(v.costUsd, `${label}.costUsd`).toBeNull();
  else {
    // numeric(18,10): rounded to 10 decimal places.
    const tolerance = 0.5 * 10 ** -RULES.costDecimals + Math.abs(expected.costUsd) * 1e-15;
    expect(Math.abs((v.costUsd as number) - expected.costUsd), `${label}.costUsd ${v.costUsd} vs ${expected.costUsd}`).toBeLessThanOrEqual(
      tolerance,
    );
  }
}
