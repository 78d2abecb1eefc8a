import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appTargets, startApp, type RunningApp } from "../../testing/app-server";
import { B_MARK, bravoTrace, discoverRoutes, keyFetch, sessionFetch, setUpTenants, trace, type Tenants } from "./tenants";

/**
 * One request an attacker from project A makes, and what must come back. A
 * "control" is the same request on A's own data: it must succeed, so a
 * refusal elsewhere is the tenancy rule and not a broken route.
 */
type Probe = { label: string; send: () => Promise<Response>; status: number; location?: string };
type Case = { route: string; method: string; probes: (t: Tenants, app: RunningApp) => Probe[] };

const otlpBody = (spanId: string) => ({
  resourceSpans: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: "alpha-bot" } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: "5b8efff798038103d269b633813fc60c",
              spanId,
              name: "chat gpt-4o",
              kind: 3,
              startTimeUnixNano: String(BigInt(Date.now() - 60_000) * 1_000_000n),
              endTimeUnixNano: String(BigInt(Date.now() - 59_000) * 1_000_000n),
              attributes: [
                { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
                { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
                // A key writes into its own project whatever the payload claims.
                { key: "driftline.project", value: { stringValue: "tenant-b" } },
              ],
            },
          ],
        },
      ],
    },
  ],
});

/** project B's slug with A's session → 404 (membership), plus A's own project as the control. */
function dashboardGet(route: string, query = ""): Case["probes"] {
  return (t, app) => [
    { label: "A member on B", send: () => sessionFetch(app, t.a.member, `${route.replace("[project]", t.b.slug)}${query}`), status: 404 },
    { label: "control: A member on A", send: () => sessionFetch(app, t.a.member, `${route.replace("[project]", t.a.slug)}${query}`), status: 200 },
  ];
}

const api = "/api/projects/[project]";
const fill = (route: string, t: Tenants, slug: string, ids: Record<string, string> = {}) =>
  Object.entries(ids).reduce((r, [k, v]) => r.replace(`[${k}]`, v), route.replace("[project]", slug));

/** The table: every route file and method of the app. The first test fails when one is missing. */
const CASES: Case[] = [
  // --- public
  { route: "/api/health", method: "GET", probes: (_t, app) => [{ label: "anyone", send: () => fetch(`${app.url}/api/health`), status: 200 }] },
  { route: "/api/ready", method: "GET", probes: (_t, app) => [{ label: "anyone", send: () => fetch(`${app.url}/api/ready`), status: 200 }] },
  {
    route: "/api/auth/[...nextauth]",
    method: "GET",
    probes: (t, app) => [{ label: "A member's session shows A's user only", send: () => sessionFetch(app, t.a.member, "/api/auth/session"), status: 200 }],
  },
  {
    route: "/api/auth/[...nextauth]",
    method: "POST",
    probes: (_t, app) => [
      {
        label: "sign-in as B's member with a wrong password",
        send: async () => {
          const csrf = await fetch(`${app.url}/api/auth/csrf`);
          const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
          const { csrfToken } = (await csrf.json()) as { csrfToken: string };
          return fetch(`${app.url}/api/auth/callback/credentials`, {
            method: "POST",
            redirect: "manual",
            headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
            body: new URLSearchParams({ csrfToken, email: `${B_MARK}@example.com`, password: "wrong password", json: "true" }),
          });
        },
        status: 401,
      },
    ],
  },
  { route: "page /login", method: "GET", probes: (_t, app) => [{ label: "anyone", send: () => fetch(`${app.url}/login`), status: 200 }] },
  { route: "page /", method: "GET", probes: (t, app) => [{ label: "A member's home sends them to A", send: () => sessionFetch(app, t.a.member, "/"), status: 307, location: `/p/${t.a.slug}` }] },
  {
    route: "/api/projects",
    method: "POST",
    probes: (t, app) => [{ label: "A member (not an instance admin) creates a project", send: () => sessionFetch(app, t.a.member, "/api/projects", { method: "POST", body: { slug: "a-new", name: "x" } }), status: 403 }],
  },

  // --- dashboard pages
  ...["", "/drift", "/regressions", "/routing", "/evaluations", "/settings", "/traces"].map((sub) => ({
    route: `page /p/[project]${sub}`,
    method: "GET",
    probes: dashboardGet(`/p/[project]${sub}`),
  })),
  {
    route: "page /p/[project]/traces/[id]",
    method: "GET",
    probes: (t, app) => [
      { label: "B's trace under B", send: () => sessionFetch(app, t.a.member, `/p/${t.b.slug}/traces/${t.b.traceId}`), status: 404 },
      { label: "B's trace under A", send: () => sessionFetch(app, t.a.member, `/p/${t.a.slug}/traces/${t.b.traceId}`), status: 404 },
      { label: "control: A's trace", send: () => sessionFetch(app, t.a.member, `/p/${t.a.slug}/traces/${t.a.traceId}`), status: 200 },
    ],
  },
  {
    route: "page /p/[project]/drift/[monitorId]",
    method: "GET",
    probes: (t, app) => [
      { label: "B's monitor under B", send: () => sessionFetch(app, t.a.member, `/p/${t.b.slug}/drift/${t.b.monitorId}`), status: 404 },
      { label: "B's monitor under A", send: () => sessionFetch(app, t.a.member, `/p/${t.a.slug}/drift/${t.b.monitorId}`), status: 404 },
    ],
  },
  {
    route: "page /p/[project]/regressions/[id]",
    method: "GET",
    probes: (t, app) => [
      { label: "under B", send: () => sessionFetch(app, t.a.member, `/p/${t.b.slug}/regressions/${randomUUID()}`), status: 404 },
      { label: "unknown under A", send: () => sessionFetch(app, t.a.member, `/p/${t.a.slug}/regressions/${randomUUID()}`), status: 404 },
    ],
  },

  // --- dashboard JSON API (session)
  { route: `${api}/llm-connections`, method: "GET", probes: dashboardGet(`${api}/llm-connections`) },
  {
    route: `${api}/llm-connections`,
    method: "POST",
    probes: (t, app) => [
      { label: "add to B", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.b.slug}/llm-connections`, { method: "POST", body: { name: "x", baseUrl: "https://x.invalid/v1", model: "m" } }), status: 404 },
      { label: "control: add to A", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.a.slug}/llm-connections`, { method: "POST", body: { name: "a session judge", baseUrl: "https://a.invalid/v1", model: "m" } }), status: 201 },
    ],
  },
  ...["GET", "PATCH", "DELETE"].map((method) => ({
    route: `${api}/llm-connections/[id]`,
    method,
    probes: (t: Tenants, app: RunningApp): Probe[] =>
      [t.b.slug, t.a.slug].map((slug) => ({
        label: `B's connection under ${slug}`,
        send: () => sessionFetch(app, t.a.member, `/api/projects/${slug}/llm-connections/${t.b.llmConnectionId}`, { method, body: method === "PATCH" ? { name: "stolen" } : undefined }),
        status: 404,
      })),
  })),
  {
    route: `${api}/llm-connections/[id]/test`,
    method: "POST",
    probes: (t, app) =>
      [t.b.slug, t.a.slug].map((slug) => ({
        label: `test B's connection under ${slug}`,
        send: () => sessionFetch(app, t.a.member, `/api/projects/${slug}/llm-connections/${t.b.llmConnectionId}/test`, { method: "POST", body: {} }),
        status: 404,
      })),
  },
  { route: `${api}/alerts/open`, method: "GET", probes: dashboardGet(`${api}/alerts/open`) },
  { route: `${api}/alerts`, method: "GET", probes: dashboardGet(`${api}/alerts`) },
  { route: `${api}/embedding-backlog`, method: "GET", probes: dashboardGet(`${api}/embedding-backlog`) },
  { route: `${api}/near-duplicates`, method: "GET", probes: dashboardGet(`${api}/near-duplicates`) },
  { route: `${api}/overview`, method: "GET", probes: dashboardGet(`${api}/overview`, "?range=7d") },
  { route: `${api}/data-extent`, method: "GET", probes: dashboardGet(`${api}/data-extent`, "?range=7d") },
  // The breakdown is also the Overview's CSV export (built in the browser from this answer).
  { route: `${api}/overview/breakdown`, method: "GET", probes: dashboardGet(`${api}/overview/breakdown`, "?range=7d&by=route") },
  { route: `${api}/routing`, method: "GET", probes: dashboardGet(`${api}/routing`, "?range=7d") },
  { route: `${api}/routing/matched`, method: "GET", probes: dashboardGet(`${api}/routing/matched`, "?range=7d") },
  { route: `${api}/traces`, method: "GET", probes: dashboardGet(`${api}/traces`) },
  { route: `${api}/version-changes`, method: "GET", probes: dashboardGet(`${api}/version-changes`) },
  ...["", "/examples"].map((sub) => ({
    route: `${api}/version-changes/[id]${sub}`,
    method: "GET",
    probes: (t: Tenants, app: RunningApp) => [
      { label: "under B", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.b.slug}/version-changes/${randomUUID()}${sub}`), status: 404 },
      { label: "unknown under A", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.a.slug}/version-changes/${randomUUID()}${sub}`), status: 404 },
    ],
  })),
  { route: `${api}/monitors`, method: "GET", probes: dashboardGet(`${api}/monitors`) },
  {
    route: `${api}/monitors`,
    method: "POST",
    probes: (t, app) => {
      const body = (channelIds: string[] = []) => ({ name: "m", kind: "metric", window: "1h", schedule: "0 * * * *", thresholds: { metric: "latency_ms" }, channelIds });
      return [
        { label: "into B", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.b.slug}/monitors`, { method: "POST", body: body() }), status: 404 },
        { label: "into A, notifying B's channel", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.a.slug}/monitors`, { method: "POST", body: body([t.b.channelId]) }), status: 422 },
      ];
    },
  },
  ...(["GET", "PATCH", "DELETE"] as const).map((method) => ({
    route: `${api}/monitors/[monitorId]`,
    method,
    probes: (t: Tenants, app: RunningApp) =>
      [t.b.slug, t.a.slug].map((slug) => ({
        label: `B's monitor under ${slug}`,
        send: () => sessionFetch(app, t.a.member, fill(`${api}/monitors/[monitorId]`, t, slug, { monitorId: t.b.monitorId }), { method, body: method === "PATCH" ? { paused: true } : undefined }),
        status: 404,
      })),
  })),
  {
    route: `${api}/monitors/[monitorId]/results`,
    method: "GET",
    probes: (t, app) =>
      [t.b.slug, t.a.slug].map((slug) => ({ label: `B's monitor under ${slug}`, send: () => sessionFetch(app, t.a.member, fill(`${api}/monitors/[monitorId]/results`, t, slug, { monitorId: t.b.monitorId })), status: 404 })),
  },
  {
    route: `${api}/monitors/[monitorId]/results/[resultId]`,
    method: "GET",
    probes: (t, app) =>
      [t.b.slug, t.a.slug].map((slug) => ({
        label: `B's monitor under ${slug}`,
        send: () => sessionFetch(app, t.a.member, fill(`${api}/monitors/[monitorId]/results/[resultId]`, t, slug, { monitorId: t.b.monitorId, resultId: randomUUID() })),
        status: 404,
      })),
  },
  {
    route: `${api}/api-keys`,
    method: "POST",
    probes: (t, app) => [{ label: "a key for B", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.b.slug}/api-keys`, { method: "POST", body: { name: "stolen" } }), status: 404 }],
  },
  {
    route: `${api}/api-keys/[keyId]`,
    method: "DELETE",
    probes: (t, app) =>
      [t.b.slug, t.a.slug].map((slug) => ({ label: `revoke B's key under ${slug}`, send: () => sessionFetch(app, t.a.member, `/api/projects/${slug}/api-keys/${t.b.keyId}`, { method: "DELETE" }), status: 404 })),
  },
  {
    route: `${api}/members`,
    method: "POST",
    probes: (t, app) => [
      { label: "join B", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.b.slug}/members`, { method: "POST", body: { email: "alice@example.com", role: "admin" } }), status: 404 },
    ],
  },
  ...(["PATCH", "DELETE"] as const).map((method) => ({
    route: `${api}/members/[userId]`,
    method,
    probes: (t: Tenants, app: RunningApp) =>
      [t.b.slug, t.a.slug].map((slug) => ({
        label: `B's member under ${slug}`,
        send: () => sessionFetch(app, t.a.member, `/api/projects/${slug}/members/${t.b.memberUserId}`, { method, body: method === "PATCH" ? { role: "viewer" } : undefined }),
        status: 404,
      })),
  })),
  {
    route: `${api}/settings`,
    method: "PATCH",
    probes: (t, app) => [{ label: "rename B", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.b.slug}/settings`, { method: "PATCH", body: { name: "owned", retentionDays: 1 } }), status: 404 }],
  },
  {
    route: `${api}/prices`,
    method: "PUT",
    probes: (t, app) => [
      { label: "price B's model", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.b.slug}/prices`, { method: "PUT", body: { model: "owned", inputPerMillion: 1, outputPerMillion: 1 } }), status: 404 },
    ],
  },
  {
    route: `${api}/prices/[id]`,
    method: "DELETE",
    probes: (t, app) =>
      [t.b.slug, t.a.slug].map((slug) => ({ label: `B's price under ${slug}`, send: () => sessionFetch(app, t.a.member, `/api/projects/${slug}/prices/${t.b.priceId}`, { method: "DELETE" }), status: 404 })),
  },
  {
    route: `${api}/prices/reprice`,
    method: "POST",
    probes: (t, app) => [
      { label: "re-price B's history", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.b.slug}/prices/reprice`, { method: "POST", body: { model: "gpt-4o" } }), status: 404 },
      { label: "control: A's history", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.a.slug}/prices/reprice`, { method: "POST", body: { model: "gpt-4o" } }), status: 202 },
    ],
  },

  // --- evaluations (dashboard)
  { route: `${api}/evaluators`, method: "GET", probes: dashboardGet(`${api}/evaluators`) },
  {
    route: `${api}/evaluators`,
    method: "POST",
    probes: (t, app) => [
      { label: "create in B", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.b.slug}/evaluators`, { method: "POST", body: { name: "owned", kind: "heuristic" } }), status: 404 },
      {
        label: "control: create in A",
        send: () => sessionFetch(app, t.a.member, `/api/projects/${t.a.slug}/evaluators`, { method: "POST", body: { name: "alpha checks", kind: "heuristic" } }),
        status: 201,
      },
    ],
  },
  ...(["GET", "PATCH", "DELETE"] as const).map((method) => ({
    route: `${api}/evaluators/[evaluatorId]`,
    method,
    probes: (t: Tenants, app: RunningApp) =>
      [t.b.slug, t.a.slug].map((slug) => ({
        label: `B's evaluator under ${slug}`,
        send: () => sessionFetch(app, t.a.member, `/api/projects/${slug}/evaluators/${t.b.evaluatorId}`, { method, body: method === "PATCH" ? { paused: true } : undefined }),
        status: 404,
      })),
  })),
  ...([
    ["backfill", "POST"],
    ["series", "GET"],
  ] as const).map(([leaf, method]) => ({
    route: `${api}/evaluators/[evaluatorId]/${leaf}`,
    method,
    probes: (t: Tenants, app: RunningApp) =>
      [t.b.slug, t.a.slug].map((slug) => ({
        label: `B's evaluator under ${slug}`,
        send: () => sessionFetch(app, t.a.member, `/api/projects/${slug}/evaluators/${t.b.evaluatorId}/${leaf}`, { method, body: method === "POST" ? {} : undefined }),
        status: 404,
      })),
  })),
  { route: `${api}/datasets`, method: "GET", probes: dashboardGet(`${api}/datasets`) },
  {
    route: `${api}/datasets`,
    method: "POST",
    probes: (t, app) => [
      { label: "create in B", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.b.slug}/datasets`, { method: "POST", body: { name: "owned" } }), status: 404 },
      { label: "control: create in A", send: () => sessionFetch(app, t.a.member, `/api/projects/${t.a.slug}/datasets`, { method: "POST", body: { name: "alpha golden" } }), status: 201 },
    ],
  },
  ...(["GET", "DELETE"] as const).map((method) => ({
    route: `${api}/datasets/[datasetId]`,
    method,
    probes: (t: Tenants, app: RunningApp) =>
      [t.b.slug, t.a.slug].map((slug) => ({ label: `B's dataset under ${slug}`, send: () => sessionFetch(app, t.a.member, `/api/projects/${slug}/datasets/${t.b.datasetId}`, { method }), status: 404 })),
  })),
  ...(["GET", "POST"] as const).map((method) => ({
    route: `${api}/datasets/[datasetId]/items`,
    method,
    probes: (t: Tenants, app: RunningApp) =>
      [t.b.slug, t.a.slug].map((slug) => ({
        label: `B's items under ${slug}`,
        send: () =>
          sessionFetch(app, t.a.member, `/api/projects/${slug}/datasets/${t.b.datasetId}/items`, { method, body: method === "POST" ? { items: [{ input: "q", expectedOutput: "a" }] } : undefined }),
        status: 404,
      })),
  })),

  // --- evaluations (project API key)
  {
    route: "/api/v1/evaluators",
    method: "GET",
    probes: (t, app) => [{ label: "A's list", send: () => keyFetch(app, t.a.key, "/api/v1/evaluators"), status: 200 }],
  },
  {
    route: "/api/v1/evaluators",
    method: "POST",
    probes: (t, app) => [{ label: "A's key creates (in A)", send: () => keyFetch(app, t.a.key, "/api/v1/evaluators", { method: "POST", body: { name: "alpha key checks", kind: "heuristic" } }), status: 201 }],
  },
  ...(["GET", "PATCH", "DELETE"] as const).map((method) => ({
    route: "/api/v1/evaluators/[id]",
    method,
    probes: (t: Tenants, app: RunningApp) => [
      { label: "B's evaluator", send: () => keyFetch(app, t.a.key, `/api/v1/evaluators/${t.b.evaluatorId}`, { method, body: method === "PATCH" ? { paused: true } : undefined }), status: 404 },
    ],
  })),
  { route: "/api/v1/evaluators/[id]/backfill", method: "POST", probes: (t, app) => [{ label: "B's evaluator", send: () => keyFetch(app, t.a.key, `/api/v1/evaluators/${t.b.evaluatorId}/backfill`, { method: "POST", body: {} }), status: 404 }] },
  { route: "/api/v1/evaluators/[id]/series", method: "GET", probes: (t, app) => [{ label: "B's evaluator", send: () => keyFetch(app, t.a.key, `/api/v1/evaluators/${t.b.evaluatorId}/series`), status: 404 }] },
  { route: "/api/v1/datasets", method: "GET", probes: (t, app) => [{ label: "A's list", send: () => keyFetch(app, t.a.key, "/api/v1/datasets"), status: 200 }] },
  {
    route: "/api/v1/datasets",
    method: "POST",
    probes: (t, app) => [{ label: "A's key creates (in A)", send: () => keyFetch(app, t.a.key, "/api/v1/datasets", { method: "POST", body: { name: "alpha key golden" } }), status: 201 }],
  },
  ...(["GET", "DELETE"] as const).map((method) => ({
    route: "/api/v1/datasets/[id]",
    method,
    probes: (t: Tenants, app: RunningApp) => [{ label: "B's dataset", send: () => keyFetch(app, t.a.key, `/api/v1/datasets/${t.b.datasetId}`, { method }), status: 404 }],
  })),
  ...(["GET", "POST"] as const).map((method) => ({
    route: "/api/v1/datasets/[id]/items",
    method,
    probes: (t: Tenants, app: RunningApp) => [
      { label: "B's items", send: () => keyFetch(app, t.a.key, `/api/v1/datasets/${t.b.datasetId}/items`, { method, body: method === "POST" ? { items: [{ input: "q", expectedOutput: "a" }] } : undefined }), status: 404 },
    ],
  })),

  // --- read API and ingest (project API key)
  {
    route: "/api/v1/traces",
    method: "GET",
    probes: (t, app) => [{ label: "A's key lists A only", send: () => keyFetch(app, t.a.key, "/api/v1/traces?limit=100"), status: 200 }],
  },
  {
    route: "/api/v1/traces",
    method: "POST",
    probes: (t, app) => [
      // Lands in A (checked at the end); "shared-1", a client id both projects use, stayed two separate traces.
      { label: "A's key writes a batch", send: () => keyFetch(app, t.a.key, "/api/v1/traces", { method: "POST", body: { traces: [trace("b-collide-1"), trace("b-own-1")] } }), status: 200 },
    ],
  },
  {
    route: "/api/v1/traces/[id]",
    method: "GET",
    probes: (t, app) => [
      { label: "B's trace by Driftline id", send: () => keyFetch(app, t.a.key, `/api/v1/traces/${t.b.traceId}`), status: 404 },
      { label: "B's trace by client id", send: () => keyFetch(app, t.a.key, `/api/v1/traces/${B_MARK}-1`), status: 404 },
      { label: "control: a client id both have answers A's", send: () => keyFetch(app, t.a.key, "/api/v1/traces/shared-1"), status: 200 },
    ],
  },
  {
    route: "/api/v1/traces/[id]/similar",
    method: "GET",
    probes: (t, app) => [
      { label: "B's trace", send: () => keyFetch(app, t.a.key, `/api/v1/traces/${t.b.traceId}/similar`), status: 404 },
      { label: "control: A's trace", send: () => keyFetch(app, t.a.key, `/api/v1/traces/${t.a.traceId}/similar`), status: 200 },
    ],
  },
  { route: "/api/v1/embeddings/backlog", method: "GET", probes: (t, app) => [{ label: "A's backlog", send: () => keyFetch(app, t.a.key, "/api/v1/embeddings/backlog"), status: 200 }] },
  { route: "/api/v1/version-changes", method: "GET", probes: (t, app) => [{ label: "A's list", send: () => keyFetch(app, t.a.key, "/api/v1/version-changes"), status: 200 }] },
  {
    route: "/api/v1/alerts",
    method: "GET",
    probes: (t, app) => [
      { label: "A's list", send: () => keyFetch(app, t.a.key, "/api/v1/alerts"), status: 200 },
      { label: "filtered on B's monitor", send: () => keyFetch(app, t.a.key, `/api/v1/alerts?monitorId=${t.b.monitorId}`), status: 200 },
    ],
  },
  { route: "/api/v1/alerts/channels", method: "GET", probes: (t, app) => [{ label: "A's list", send: () => keyFetch(app, t.a.key, "/api/v1/alerts/channels"), status: 200 }] },
  {
    route: "/api/v1/alerts/channels",
    method: "POST",
    probes: (t, app) => [
      { label: "A's key creates a channel (in A)", send: () => keyFetch(app, t.a.key, "/api/v1/alerts/channels", { method: "POST", body: { name: "alpha", kind: "slack", url: "https://hooks.example.org/alpha" } }), status: 201 },
    ],
  },
  { route: "/api/v1/monitors", method: "GET", probes: (t, app) => [{ label: "A's list", send: () => keyFetch(app, t.a.key, "/api/v1/monitors"), status: 200 }] },
  {
    route: "/api/v1/monitors",
    method: "POST",
    probes: (t, app) => [
      {
        label: "notifying B's channel",
        send: () => keyFetch(app, t.a.key, "/api/v1/monitors", { method: "POST", body: { name: "m", kind: "metric", window: "1h", schedule: "0 * * * *", thresholds: { metric: "latency_ms" }, channelIds: [t.b.channelId] } }),
        status: 422,
      },
    ],
  },
  ...(["GET", "PATCH", "DELETE"] as const).map((method) => ({
    route: "/api/v1/monitors/[id]",
    method,
    probes: (t: Tenants, app: RunningApp) => [
      { label: "B's monitor", send: () => keyFetch(app, t.a.key, `/api/v1/monitors/${t.b.monitorId}`, { method, body: method === "PATCH" ? { paused: true } : undefined }), status: 404 },
    ],
  })),
  { route: "/api/v1/monitors/[id]/results", method: "GET", probes: (t, app) => [{ label: "B's monitor", send: () => keyFetch(app, t.a.key, `/api/v1/monitors/${t.b.monitorId}/results`), status: 404 }] },
  { route: "/api/v1/llm-connections", method: "GET", probes: (t, app) => [{ label: "A's list", send: () => keyFetch(app, t.a.key, "/api/v1/llm-connections"), status: 200 }] },
  {
    route: "/api/v1/llm-connections",
    method: "POST",
    probes: (t, app) => [
      { label: "A's key adds a connection (in A)", send: () => keyFetch(app, t.a.key, "/api/v1/llm-connections", { method: "POST", body: { name: "alpha judge", baseUrl: "https://alpha.invalid/v1", model: "alpha-model" } }), status: 201 },
    ],
  },
  ...["GET", "PATCH", "DELETE"].map((method) => ({
    route: "/api/v1/llm-connections/[id]",
    method,
    probes: (t: Tenants, app: RunningApp): Probe[] => [
      { label: "B's connection", send: () => keyFetch(app, t.a.key, `/api/v1/llm-connections/${t.b.llmConnectionId}`, { method, body: method === "PATCH" ? { name: "stolen" } : undefined }), status: 404 },
    ],
  })),
  {
    route: "/api/v1/llm-connections/[id]/test",
    method: "POST",
    probes: (t, app) => [{ label: "test B's connection", send: () => keyFetch(app, t.a.key, `/api/v1/llm-connections/${t.b.llmConnectionId}/test`, { method: "POST", body: {} }), status: 404 }],
  },
  { route: "/api/v1/prices", method: "GET", probes: (t, app) => [{ label: "A's list", send: () => keyFetch(app, t.a.key, "/api/v1/prices"), status: 200 }] },
  {
    route: "/api/v1/prices",
    method: "PUT",
    probes: (t, app) => [
      { label: "A's key sets a price (in A)", send: () => keyFetch(app, t.a.key, "/api/v1/prices", { method: "PUT", body: { model: "alpha-model", inputPerMillion: 1, outputPerMillion: 1 } }), status: 201 },
    ],
  },
  { route: "/api/v1/prices/[id]", method: "DELETE", probes: (t, app) => [{ label: "B's price", send: () => keyFetch(app, t.a.key, `/api/v1/prices/${t.b.priceId}`, { method: "DELETE" }), status: 404 }] },
  { route: "/api/v1/prices/unknown", method: "GET", probes: (t, app) => [{ label: "A's unpriced models", send: () => keyFetch(app, t.a.key, "/api/v1/prices/unknown"), status: 200 }] },
  {
    route: "/api/v1/prices/reprice",
    method: "POST",
    probes: (t, app) => [{ label: "A's history (in A)", send: () => keyFetch(app, t.a.key, "/api/v1/prices/reprice", { method: "POST", body: { model: "alpha-model" } }), status: 202 }],
  },
  {
    route: "/api/public/ingestion",
    method: "POST",
    probes: (t, app) => {
      const now = new Date().toISOString();
      const batch = {
        batch: [
          { id: "lf-e1", type: "trace-create", timestamp: now, body: { id: "lf-alpha", name: "alpha", userId: "alpha-user" } },
          { id: "lf-e2", type: "generation-create", timestamp: now, body: { id: "lf-alpha-gen", traceId: "lf-alpha", model: "gpt-4o", input: "hi", startTime: now, endTime: now } },
          // B's trace, by its Driftline id and by its client id: unknown to A, so only kept as A's (a Langfuse trace
          // that may yet arrive), by B's generation id: a 404 for that event only.
          { id: "lf-e3", type: "score-create", timestamp: now, body: { traceId: t.b.traceId, name: "owned", value: 0 } },
          { id: "lf-e4", type: "score-create", timestamp: now, body: { traceId: `${B_MARK}-1`, name: "owned", value: 0 } },
          { id: "lf-e5", type: "score-create", timestamp: now, body: { observationId: `${B_MARK}-1`, name: "owned", value: 0 } },
        ],
      };
      const send = (user: string, key: string) =>
        fetch(`${app.url}/api/public/ingestion`, {
          method: "POST",
          headers: { Authorization: `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`, "Content-Type": "application/json" },
          body: JSON.stringify(batch),
        });
      return [
        { label: "A's key paired with B's slug", send: () => send(t.b.slug, t.a.key), status: 401 },
        { label: "B's key paired with A's slug", send: () => send(t.a.slug, t.b.key), status: 401 },
        { label: "A's pair writes into A; B's traces are not reached", send: () => send(t.a.slug, t.a.key), status: 207 },
      ];
    },
  },
  {
    route: "/api/v1/scores",
    method: "POST",
    probes: (t, app) => [
      { label: "B's trace by Driftline id", send: () => keyFetch(app, t.a.key, "/api/v1/scores", { method: "POST", body: { traceId: t.b.traceId, name: "owned", value: 0 } }), status: 404 },
      { label: "B's trace by client id", send: () => keyFetch(app, t.a.key, "/api/v1/scores", { method: "POST", body: { externalId: `${B_MARK}-1`, name: "owned", value: 0 } }), status: 404 },
      { label: "control: A's trace", send: () => keyFetch(app, t.a.key, "/api/v1/scores", { method: "POST", body: { traceId: t.a.traceId, name: "alpha_feedback", value: 1 } }), status: 201 },
    ],
  },
  {
    route: "/api/v1/scores",
    method: "GET",
    probes: (t, app) => [
      { label: "B's trace", send: () => keyFetch(app, t.a.key, `/api/v1/scores?traceId=${t.b.traceId}`), status: 404 },
      { label: "control: a client id both have answers A's", send: () => keyFetch(app, t.a.key, "/api/v1/scores?traceId=shared-1"), status: 200 },
    ],
  },
  ...["/v1/traces", "/api/public/otel/v1/traces"].map((route, i) => ({
    route,
    method: "POST",
    probes: (t: Tenants, app: RunningApp) => [{ label: "OTLP naming B in its attributes", send: () => keyFetch(app, t.a.key, route, { method: "POST", body: otlpBody(`00f067aa0ba902b${i}`) }), status: 200 }],
  })),
];

describe("the tenancy table", () => {
  it("covers every route file and method of the app", () => {
    const covered = new Set(CASES.map((c) => `${c.method} ${c.route}`));
    const onDisk = discoverRoutes().flatMap((r) => r.methods.map((m) => `${m} ${r.route}`));
    expect(onDisk.length).toBeGreaterThan(40);
    expect(onDisk.filter((r) => !covered.has(r)), "routes without a tenancy case").toEqual([]);
    expect([...covered].filter((r) => !onDisk.includes(r)), "cases for routes that no longer exist").toEqual([]);
  });
});

describe.each(appTargets())("tenancy on %s", (database) => {
  let app: RunningApp;
  let t: Tenants;
  let bBefore: string;

  /** Everything B has, as B's own key and member see it. */
  async function snapshotB(): Promise<string> {
    const read = async (response: Promise<Response>) => {
      const r = await response;
      expect(r.status, r.url).toBe(200);
      return r.json() as Promise<unknown>;
    };
    const traces = (await read(keyFetch(app, t.b.key, "/api/v1/traces?limit=100"))) as { data: Array<Record<string, unknown>> };
    return JSON.stringify({
      traces: traces.data.map((r) => ({ id: r.id, externalId: r.externalId, prompt: r.prompt, response: r.response, model: r.model, metadata: r.metadata })).sort((x, y) => String(x.id).localeCompare(String(y.id))),
      monitor: await read(keyFetch(app, t.b.key, `/api/v1/monitors/${t.b.monitorId}`)).then((m) => {
        const { name, paused, channelIds, thresholds } = m as Record<string, unknown>;
        return { name, paused, channelIds, thresholds };
      }),
      channels: await read(keyFetch(app, t.b.key, "/api/v1/alerts/channels")),
      prices: await read(keyFetch(app, t.b.key, "/api/v1/prices")),
      evaluators: ((await read(keyFetch(app, t.b.key, "/api/v1/evaluators"))) as { data: Array<Record<string, unknown>> }).data.map(({ name, paused, version, settings }) => ({ name, paused, version, settings })),
      datasets: ((await read(keyFetch(app, t.b.key, "/api/v1/datasets"))) as { data: Array<Record<string, unknown>> }).data.map(({ name, version, items }) => ({ name, version, items })),
      llmConnections: await read(keyFetch(app, t.b.key, "/api/v1/llm-connections")),
      settings: (await (await sessionFetch(app, t.b.member, `/p/${t.b.slug}/settings`)).text()).match(new RegExp(`${B_MARK} (project|key)`, "g"))?.sort(),
      memberCanRead: (await sessionFetch(app, t.b.member, `/api/projects/${t.b.slug}/traces`)).status,
    });
  }

  beforeAll(async () => {
    app = await startApp({ database, env: { EMBEDDING_MODEL: "driftline-glove-100d" } });
    t = await setUpTenants(app);
    bBefore = await snapshotB();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it.each(CASES.map((c) => [`${c.method} ${c.route}`, c] as const))("%s", async (_name, c) => {
    for (const probe of c.probes(t, app)) {
      const response = await probe.send();
      const body = await response.text();
      expect(response.status, `${probe.label}: ${body.slice(0, 300)}`).toBe(probe.status);
      expect(body.toLowerCase().includes(B_MARK), `${probe.label}: B's data in the answer`).toBe(false);
      expect(body.includes(t.b.key), `${probe.label}: B's key in the answer`).toBe(false);
      if (probe.location) expect(new URL(response.headers.get("location") ?? "", app.url).pathname).toBe(probe.location);
    }
  });

  it("similar-trace search never returns B's traces, even when they are nearer", async () => {
    const probe = "How do I transfer my subscription to a new owner?";
    await keyFetch(app, t.b.key, "/api/v1/traces", { method: "POST", body: { traces: [1, 2, 3].map((i) => bravoTrace(`${B_MARK}-near-${i}`, { prompt: probe })) } });
    await keyFetch(app, t.a.key, "/api/v1/traces", {
      method: "POST",
      body: { traces: [trace("a-probe", { prompt: probe }), trace("a-far-1", { prompt: "What is the weather like on Mars today?" }), trace("a-far-2", { prompt: "Write a haiku about autumn leaves." })] },
    });
    await expect
      .poll(
        async () => {
          const a = (await (await keyFetch(app, t.a.key, "/api/v1/embeddings/backlog")).json()) as { pending: number };
          const b = (await (await keyFetch(app, t.b.key, "/api/v1/embeddings/backlog")).json()) as { pending: number };
          return a.pending + b.pending;
        },
        // The server's demo world is embedded and evaluated first (its texts are older): on the embedded database
        // that backlog takes a few minutes on two cores.
        { timeout: 240_000, interval: 1_000 },
      )
      .toBe(0);
    // B's copies are at distance 0 from the probe: B's key finds them first.
    const fromB = (await (await keyFetch(app, t.b.key, `/api/v1/traces/${B_MARK}-1/similar?k=3`)).json()) as { data: Array<{ externalId: string }> };
    expect(fromB.data.length).toBeGreaterThan(0);
    const similar = await keyFetch(app, t.a.key, "/api/v1/traces/a-probe/similar?k=100");
    const text = await similar.text();
    expect(similar.status).toBe(200);
    const result = JSON.parse(text) as { model: string | null; data: Array<{ externalId: string }> };
    expect(result.model).not.toBeNull();
    expect(result.data.length).toBeGreaterThanOrEqual(2);
    const aIds = ((await (await keyFetch(app, t.a.key, "/api/v1/traces?limit=100")).json()) as { data: Array<{ externalId: string }> }).data.map((r) => r.externalId);
    for (const row of result.data) expect(aIds).toContain(row.externalId);
    expect(text.toLowerCase()).not.toContain(B_MARK);
    // The trace page shows the same neighbours, server-rendered.
    const detail = await (await sessionFetch(app, t.a.member, `/p/${t.a.slug}/traces/${((await (await keyFetch(app, t.a.key, "/api/v1/traces/a-probe")).json()) as { id: string }).id}`)).text();
    expect(detail).toContain(probe);
    expect(detail.toLowerCase()).not.toContain(B_MARK);
  }, 300_000);

  it("leaves B's data unchanged after every probe, and A's writes landed in A", async () => {
    const after = await snapshotB();
    // The similar-search test added B traffic through B's own key; compare what existed before.
    const before = JSON.parse(bBefore) as { traces: Array<{ id: string }> };
    const now = JSON.parse(after) as { traces: Array<{ id: string; externalId: string }> };
    expect(now.traces.filter((r) => before.traces.some((b) => b.id === r.id))).toEqual(before.traces);
    expect(now.traces.filter((r) => !before.traces.some((b) => b.id === r.id)).every((r) => r.externalId.startsWith(`${B_MARK}-near-`))).toBe(true);
    expect({ ...now, traces: [] }).toEqual({ ...(JSON.parse(bBefore) as object), traces: [] });
    // B's key still works (not revoked) and its member is still an admin of B.
    expect((await sessionFetch(app, t.b.member, `/api/projects/${t.b.slug}/settings`, { method: "PATCH", body: {} })).status).toBe(200);
    // A's writes: its native batch and both OTLP posts are A's traces.
    const aList = ((await (await keyFetch(app, t.a.key, "/api/v1/traces?limit=100")).json()) as { data: Array<{ externalId: string; model: string | null }> }).data;
    expect(aList.map((r) => r.externalId)).toEqual(expect.arrayContaining(["b-collide-1", "b-own-1"]));
    expect(aList.filter((r) => r.model === "gpt-4o").length).toBeGreaterThanOrEqual(2);
    const channels = JSON.stringify(await (await keyFetch(app, t.a.key, "/api/v1/alerts/channels")).json());
    expect(channels).toContain("alpha");
  });
});
