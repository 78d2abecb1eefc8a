import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { TEST_KEY, TEST_PROJECT, type RunningApp } from "../../testing/app-server";

export const ADMIN = { email: "http-admin@example.com", password: "http suite password" };

/** Every string of project B carries this, so a leak anywhere is found by one search. */
export const B_MARK = "zqxbravo";

export { signIn, type Session } from "../../testing/session";
import { signIn, type Session } from "../../testing/session";

/** A same-origin JSON request with a session, as the dashboard's own fetches are. */
export function sessionFetch(app: RunningApp, session: Session | null, route: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (session) headers.Cookie = session.cookie;
  if (init.body !== undefined) headers["Content-Type"] ??= "application/json";
  return fetch(`${app.url}${route}`, {
    method: init.method ?? "GET",
    redirect: "manual",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

export function keyFetch(app: RunningApp, key: string, route: string, init: { method?: string; body?: unknown } = {}) {
  return fetch(`${app.url}${route}`, {
    method: init.method ?? "GET",
    headers: { Authorization: `Bearer ${key}`, ...(init.body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

export function trace(id: string, fields: Record<string, unknown> = {}) {
  return {
    id,
    timestamp: new Date(Date.now() - 30 * 60_000).toISOString(),
    provider: "openai",
    model: "gpt-4o-mini",
    route: "support",
    prompt: "How do I reset my password?",
    response: "Use the reset link on the sign-in page.",
    latencyMs: 500,
    inputTokens: 10,
    outputTokens: 12,
    costUsd: 0.00002,
    status: "ok",
    ...fields,
  };
}

/** Project B's traffic: every field that is shown anywhere carries the marker. */
export function bravoTrace(id: string, fields: Record<string, unknown> = {}) {
  return trace(id, {
    model: `${B_MARK}-model`,
    route: `${B_MARK}-route`,
    prompt: `${B_MARK} prompt: how do I move my ${B_MARK} account?`,
    response: `${B_MARK} response`,
    userId: `${B_MARK}-user`,
    sessionId: `${B_MARK}-session`,
    tags: [`${B_MARK}-tag`],
    metadata: { secret: `${B_MARK}-meta` },
    ...fields,
  });
}

export type Tenants = {
  a: { slug: string; key: string; member: Session; viewer: Session; viewerUserId: string; traceId: string };
  b: {
    slug: string;
    projectId: string;
    key: string;
    keyId: string;
    memberUserId: string;
    member: Session;
    traceId: string;
    monitorId: string;
    channelId: string;
    priceId: string;
    evaluatorId: string;
    datasetId: string;
    llmConnectionId: string;
  };
  admin: Session;
};

async function json<T>(response: Response, expected: number): Promise<T> {
  const text = await response.text();
  if (response.status !== expected) throw new Error(`expected HTTP ${expected}, got ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Two projects through the product's own surfaces: A from the headless start
 * (DRIFTLINE_INIT_*), B created by the instance admin over the dashboard API,
 * each with a key and members; B's traffic, monitor and alert channel are
 * created with B's key.
 */
export async function setUpTenants(app: RunningApp): Promise<Tenants> {
  const admin = await signIn(app, ADMIN.email, ADMIN.password);
  const bSlug = "tenant-b";
  const project = await json<{ id: string }>(await sessionFetch(app, admin, "/api/projects", { method: "POST", body: { slug: bSlug, name: `${B_MARK} project` } }), 201);
  const bKey = await json<{ id: string; key: string }>(await sessionFetch(app, admin, `/api/projects/${bSlug}/api-keys`, { method: "POST", body: { name: `${B_MARK} key` } }), 201);
  const members = {
    aAdmin: { email: "alice@example.com", password: "alice password 1", role: "admin", project: TEST_PROJECT },
    aViewer: { email: "victor@example.com", password: "victor password 1", role: "viewer", project: TEST_PROJECT },
    bMember: { email: `${B_MARK}@example.com`, password: "bravo password 1", role: "admin", project: bSlug },
  };
  const ids: Record<string, string> = {};
  for (const [name, m] of Object.entries(members)) {
    const added = await json<{ userId: string }>(
      await sessionFetch(app, admin, `/api/projects/${m.project}/members`, { method: "POST", body: { email: m.email, role: m.role, password: m.password, name: m.email } }),
      201,
    );
    ids[name] = added.userId;
  }

  await json(await keyFetch(app, TEST_KEY, "/api/v1/traces", { method: "POST", body: { traces: [trace("shared-1"), trace("a-1")] } }), 200);
  await json(await keyFetch(app, bKey.key, "/api/v1/traces", { method: "POST", body: { traces: [bravoTrace("shared-1"), bravoTrace(`${B_MARK}-1`)] } }), 200);
  const aTrace = await json<{ id: string }>(await keyFetch(app, TEST_KEY, "/api/v1/traces/a-1"), 200);
  const bTrace = await json<{ id: string }>(await keyFetch(app, bKey.key, `/api/v1/traces/${B_MARK}-1`), 200);
  const channel = await json<{ id: string }>(
    await keyFetch(app, bKey.key, "/api/v1/alerts/channels", { method: "POST", body: { name: `${B_MARK} channel`, kind: "webhook", url: `https://${B_MARK}.example.org/hook` } }),
    201,
  );
  const monitor = await json<{ id: string }>(
    await keyFetch(app, bKey.key, "/api/v1/monitors", {
      method: "POST",
      body: { name: `${B_MARK} monitor`, kind: "metric", window: "1h", schedule: "0 * * * *", segment: { route: `${B_MARK}-route` }, thresholds: { metric: "latency_ms" }, channelIds: [channel.id] },
    }),
    201,
  );
  const price = await json<{ id: string }>(
    await keyFetch(app, bKey.key, "/api/v1/prices", { method: "PUT", body: { provider: B_MARK, model: `${B_MARK}-model`, inputPerMillion: 1, outputPerMillion: 2 } }),
    201,
  );
  const dataset = await json<{ id: string }>(
    await keyFetch(app, bKey.key, "/api/v1/datasets", { method: "POST", body: { name: `${B_MARK} golden`, items: [{ input: `${B_MARK} question`, expectedOutput: `${B_MARK} answer` }] } }),
    201,
  );
  const evaluator = await json<{ id: string }>(
    await keyFetch(app, bKey.key, "/api/v1/evaluators", { method: "POST", body: { name: `${B_MARK}-eval`, kind: "ngram", datasetId: dataset.id } }),
    201,
  );
  const llmConnection = await json<{ id: string }>(
    await keyFetch(app, bKey.key, "/api/v1/llm-connections", { method: "POST", body: { name: `${B_MARK} judge`, baseUrl: `https://${B_MARK}.invalid/v1`, model: `${B_MARK}-model` } }),
    201,
  );

  return {
    admin,
    a: {
      slug: TEST_PROJECT,
      key: TEST_KEY,
      member: await signIn(app, members.aAdmin.email, members.aAdmin.password),
      viewer: await signIn(app, members.aViewer.email, members.aViewer.password),
      viewerUserId: ids.aViewer!,
      traceId: aTrace.id,
    },
    b: {
      slug: bSlug,
      projectId: project.id,
      key: bKey.key,
      keyId: bKey.id,
      memberUserId: ids.bMember!,
      member: await signIn(app, members.bMember.email, members.bMember.password),
      traceId: bTrace.id,
      monitorId: monitor.id,
      channelId: channel.id,
      priceId: price.id,
      evaluatorId: evaluator.id,
      datasetId: dataset.id,
      llmConnectionId: llmConnection.id,
    },
  };
}

export type RouteFile = { file: string; route: string; methods: string[] };

/**
 * Every route of the app as it is on disk: `app/**\/route.ts` with its exported
 * methods and `app/**\/page.tsx` as GET, route groups `(…)` removed.
 */
export function discoverRoutes(root = path.resolve("app")): RouteFile[] {
  const found: RouteFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts" || entry.name === "page.tsx") {
        const segments = path.relative(root, dir).split(path.sep).filter((s) => s && !/^\(.*\)$/.test(s));
        const route = `/${segments.join("/")}`;
        const source = readFileSync(full, "utf8");
        let methods = ["GET"];
        if (entry.name === "route.ts") {
          methods = [...source.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)].map((m) => m[1]!);
          for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
            for (const part of m[1]!.split(",")) {
              const alias = /\bas\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/.exec(part) ?? /^\s*(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s*$/.exec(part);
              if (alias) methods.push(alias[1]!);
            }
          }
        }
        found.push({ file: path.relative(path.resolve("."), full), route: entry.name === "page.tsx" ? `page ${route}` : route, methods: [...new Set(methods)].sort() });
      }
    }
  };
  walk(root);
  return found.sort((x, y) => x.route.localeCompare(y.route));
}
