import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appTargets, startApp, TEST_KEY, type RunningApp } from "../../testing/app-server";
import { ADMIN, discoverRoutes, keyFetch, sessionFetch, setUpTenants, signIn, trace, type Tenants } from "./tenants";

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Dashboard routes (pages and /api/projects/…) as they are on disk, with their parameters filled in. */
function dashboardRoutes(ids: { slug: string; monitorId: string; keyId: string; userId: string }) {
  const fill = (route: string) =>
    route
      .replace("[project]", ids.slug)
      .replace("[monitorId]", ids.monitorId)
      .replace("[keyId]", ids.keyId)
      .replace("[userId]", ids.userId)
      .replace(/\[[a-zA-Z]+\]/g, randomUUID());
  const all = discoverRoutes();
  return {
    pages: all.filter((r) => r.route.startsWith("page /") && r.route !== "page /login").map((r) => ({ route: r.route, path: fill(r.route.slice(5)) })),
    apis: all
      .filter((r) => r.route.startsWith("/api/projects"))
      .flatMap((r) => r.methods.map((method) => ({ route: r.route, method, path: fill(r.route) }))),
  };
}

/** A body a member with the right role could send to each mutating dashboard route. */
function mutationBody(route: string, method: string): unknown {
  const bodies: Record<string, unknown> = {
    "POST /api/projects": { slug: "viewer-made", name: "viewer made" },
    "POST /api/projects/[project]/api-keys": { name: "viewer key" },
    "DELETE /api/projects/[project]/api-keys/[keyId]": undefined,
    "POST /api/projects/[project]/members": { email: "friend@example.com", role: "admin", password: "friend password" },
    "PATCH /api/projects/[project]/members/[userId]": { role: "admin" },
    "DELETE /api/projects/[project]/members/[userId]": undefined,
    "POST /api/projects/[project]/monitors": { name: "viewer monitor", kind: "metric", window: "1h", schedule: "0 * * * *", thresholds: { metric: "latency_ms" } },
    "PATCH /api/projects/[project]/monitors/[monitorId]": { paused: true },
    "DELETE /api/projects/[project]/monitors/[monitorId]": undefined,
    "PATCH /api/projects/[project]/settings": { name: "renamed by a viewer", retentionDays: 1 },
    "PUT /api/projects/[project]/prices": { model: "viewer-model", inputPerMillion: 1, outputPerMillion: 1 },
    "DELETE /api/projects/[project]/prices/[id]": undefined,
    "POST /api/projects/[project]/prices/reprice": { model: "viewer-model" },
    "POST /api/projects/[project]/evaluators": { name: "viewer evaluator", kind: "heuristic" },
    "PATCH /api/projects/[project]/evaluators/[evaluatorId]": { paused: true },
    "DELETE /api/projects/[project]/evaluators/[evaluatorId]": undefined,
    "POST /api/projects/[project]/evaluators/[evaluatorId]/backfill": {},
    "POST /api/projects/[project]/datasets": { name: "viewer golden set" },
    "DELETE /api/projects/[project]/datasets/[datasetId]": undefined,
    "POST /api/projects/[project]/datasets/[datasetId]/items": { items: [{ input: "q", expectedOutput: "a" }] },
    "POST /api/projects/[project]/llm-connections": { name: "viewer judge", baseUrl: "https://viewer.invalid/v1", model: "m" },
    "PATCH /api/projects/[project]/llm-connections/[id]": { name: "renamed by a viewer" },
    "DELETE /api/projects/[project]/llm-connections/[id]": undefined,
    "POST /api/projects/[project]/llm-connections/[id]/test": {},
  };
  const key = `${method} ${route}`;
  if (!(key in bodies)) throw new Error(`no role-check case for ${key}: add one to mutationBody`);
  return bodies[key];
}

describe.each(appTargets())("authentication and authorisation on %s", (database) => {
  let app: RunningApp;
  let t: Tenants;
  let monitorId: string;
  let created: { id: string; key: string; hint: string };

  beforeAll(async () => {
    app = await startApp({ database, env: { EMBEDDING_MODEL: "driftline-glove-100d" } });
    t = await setUpTenants(app);
    const monitor = await sessionFetch(app, t.admin, `/api/projects/${t.a.slug}/monitors`, {
      method: "POST",
      body: { name: "latency", kind: "metric", window: "1h", schedule: "0 * * * *", thresholds: { metric: "latency_ms" } },
    });
    expect(monitor.status).toBe(201);
    monitorId = ((await monitor.json()) as { id: string }).id;
    const key = await sessionFetch(app, t.admin, `/api/projects/${t.a.slug}/api-keys`, { method: "POST", body: { name: "logged key" } });
    expect(key.status).toBe(201);
    expect(key.headers.get("cache-control")).toBe("no-store");
    created = (await key.json()) as typeof created;
  });
  afterAll(async () => {
    await app?.stop();
  });

  const routes = () => dashboardRoutes({ slug: t.a.slug, monitorId, keyId: created.id, userId: t.a.viewerUserId });

  it("sends every dashboard page to sign-in without a session", async () => {
    const { pages } = routes();
    expect(pages.length).toBeGreaterThanOrEqual(10);
    for (const page of pages) {
      const response = await fetch(`${app.url}${page.path}`, { redirect: "manual" });
      expect([302, 303, 307], page.route).toContain(response.status);
      expect(new URL(response.headers.get("location") ?? "", app.url).pathname, page.route).toBe("/login");
    }
    // A cookie that is not a live session is no session.
    const forged = await fetch(`${app.url}/p/${t.a.slug}`, { redirect: "manual", headers: { Cookie: "next-auth.session-token=forged" } });
    expect(new URL(forged.headers.get("location") ?? "", app.url).pathname).toBe("/login");
  });

  it("answers 401 on every dashboard API without a session", async () => {
    const { apis } = routes();
    expect(apis.length).toBeGreaterThanOrEqual(25);
    for (const api of [...apis, { route: "/api/projects", method: "POST", path: "/api/projects" }]) {
      const response = await sessionFetch(app, null, api.path, { method: api.method, body: MUTATING.has(api.method) && api.method !== "DELETE" ? {} : undefined });
      expect(response.status, `${api.method} ${api.route}`).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: "unauthenticated" } });
    }
  });

  it("refuses every mutation to a viewer with 403, and nothing changes", async () => {
    const mutations = [...routes().apis.filter((a) => MUTATING.has(a.method)), { route: "/api/projects", method: "POST", path: "/api/projects" }];
    expect(mutations.length).toBeGreaterThanOrEqual(10);
    for (const m of mutations) {
      const response = await sessionFetch(app, t.a.viewer, m.path, { method: m.method, body: mutationBody(m.route, m.method) });
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(response.status, `${m.method} ${m.route}: ${JSON.stringify(body)}`).toBe(403);
      expect(body.error.code).toBe("forbidden");
    }
    // The same session still reads, the monitor is not paused, the key still works, the viewer is still a viewer.
    expect((await sessionFetch(app, t.a.viewer, `/api/projects/${t.a.slug}/monitors/${monitorId}`)).status).toBe(200);
    expect(await (await sessionFetch(app, t.admin, `/api/projects/${t.a.slug}/monitors/${monitorId}`)).json()).toMatchObject({ paused: false });
    expect((await keyFetch(app, created.key, "/api/v1/monitors")).status).toBe(200);
    const again = await sessionFetch(app, t.a.viewer, `/api/projects/${t.a.slug}/settings`, { method: "PATCH", body: { name: "x" } });
    expect(again.status).toBe(403);
  });

  it("refuses cookie-authenticated mutations from a foreign origin (CSRF) with 403", async () => {
    const mutations = [...routes().apis.filter((a) => MUTATING.has(a.method)), { route: "/api/projects", method: "POST", path: "/api/projects" }];
    const foreign: Array<Record<string, string>> = [
      { Origin: "https://evil.example" },
      { Origin: "null" },
      { Origin: `http://127.0.0.1.evil.example` },
      { "Sec-Fetch-Site": "cross-site" },
      { "Sec-Fetch-Site": "same-site" },
    ];
    for (const m of mutations) {
      for (const headers of foreign) {
        const response = await sessionFetch(app, t.admin, m.path, { method: m.method, body: mutationBody(m.route, m.method), headers });
        const body = (await response.json()) as { error: { code: string } };
        expect(response.status, `${m.method} ${m.route} with ${JSON.stringify(headers)}`).toBe(403);
        expect(body.error.code).toBe("cross_origin");
      }
    }
    // Nothing happened: the admin's own monitor is not paused, the project keeps its name.
    expect(await (await sessionFetch(app, t.admin, `/api/projects/${t.a.slug}/monitors/${monitorId}`)).json()).toMatchObject({ paused: false });
    // A plain HTML form (no JSON) is refused even from this origin; the dashboard's own requests pass.
    const form = await fetch(`${app.url}/api/projects/${t.a.slug}/settings`, {
      method: "PATCH",
      headers: { Cookie: t.admin.cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: "name=formed",
    });
    expect(form.status).toBe(415);
    const own = await sessionFetch(app, t.admin, `/api/projects/${t.a.slug}/settings`, {
      method: "PATCH",
      body: { name: "http-suite" },
      headers: { Origin: app.url, "Sec-Fetch-Site": "same-origin" },
    });
    expect(own.status).toBe(200);
    // API-key routes carry no ambient credential: no Origin rule for them.
    const keyed = await fetch(`${app.url}/api/v1/traces`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TEST_KEY}`, "Content-Type": "application/json", Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
      body: JSON.stringify({ traces: [trace("cross-origin-key")] }),
    });
    expect(keyed.status).toBe(200);
  });

  it("refuses alert channels that target internal addresses, with the field path", async () => {
    for (const url of ["http://169.254.169.254/latest/meta-data/", "http://localhost:5432/", "http://[::ffff:127.0.0.1]/hook", "http://192.168.0.10/hook", "http://[fd00::1]/hook"]) {
      const response = await keyFetch(app, TEST_KEY, "/api/v1/alerts/channels", { method: "POST", body: { name: "internal", kind: "webhook", url } });
      expect(response.status, url).toBe(422);
      expect(await response.json()).toMatchObject({ error: { code: "invalid_input", details: [{ path: "url", message: expect.stringMatching(/internal address/) }] } });
    }
    const channels = (await (await keyFetch(app, TEST_KEY, "/api/v1/alerts/channels")).json()) as { data: Array<{ name: string }> };
    expect(channels.data.map((c) => c.name)).not.toContain("internal");
  });

  it("issues HttpOnly, SameSite=Lax session cookies (not Secure over plain http)", async () => {
    const session = await signIn(app, ADMIN.email, ADMIN.password);
    const line = session.setCookie.find((c) => c.startsWith("next-auth.session-token="))!;
    expect(line).toMatch(/;\s*HttpOnly/i);
    expect(line).toMatch(/;\s*SameSite=Lax/i);
    expect(line).toMatch(/;\s*Path=\//i);
    expect(line).not.toMatch(/;\s*Secure/i);
  });

  it("never shows or logs an API key after creating it: use, failure, revocation", async () => {
    const full = created.key;
    expect(full).toMatch(/^dl_[0-9A-Za-z]{40}$/);
    expect(created.hint).toBe(`dl_…${full.slice(-4)}`);
    const answers: string[] = [];
    const keep = async (response: Response | Promise<Response>) => {
      const r = await response;
      const text = await r.text();
      answers.push(`${r.status} ${[...r.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`);
      return { status: r.status, text };
    };
    // Use it: ingest (native, OTLP), read, and bad input that fails.
    expect((await keep(keyFetch(app, full, "/api/v1/traces", { method: "POST", body: { traces: [trace("k-1")] } }))).status).toBe(200);
    expect((await keep(keyFetch(app, full, "/api/v1/traces", { method: "POST", body: { traces: [trace("k-2", { latencyMs: -1 })] } }))).status).toBe(207);
    const broken = fetch(`${app.url}/api/v1/traces`, { method: "POST", headers: { Authorization: `Bearer ${full}`, "Content-Type": "application/json" }, body: "{" });
    expect((await keep(broken)).status).toBe(400);
    expect((await keep(keyFetch(app, full, "/v1/traces", { method: "POST", body: { resourceSpans: "nope" } }))).status).toBeGreaterThanOrEqual(400);
    expect((await keep(keyFetch(app, full, "/api/v1/traces/k-1"))).status).toBe(200);
    // Near misses and malformed headers: 401 that do not echo what was sent.
    expect((await keep(keyFetch(app, `${full}x`, "/api/v1/traces"))).status).toBe(401);
    expect((await keep(fetch(`${app.url}/api/v1/traces`, { headers: { Authorization: `Bearer ${full} ${full}` } }))).status).toBe(401);
    expect((await keep(fetch(`${app.url}/api/v1/traces`, { headers: { Authorization: `Basic ${full}` } }))).status).toBe(401);
    // Everywhere a person sees keys: the settings page shows the hint only.
    const settings = await keep(sessionFetch(app, t.admin, `/p/${t.a.slug}/settings`));
    expect(settings.status).toBe(200);
    expect(settings.text).toContain(created.hint);
    expect((await keep(sessionFetch(app, t.admin, "/api/auth/session"))).status).toBe(200);
    // Revoke it, then use it.
    expect((await keep(sessionFetch(app, t.admin, `/api/projects/${t.a.slug}/api-keys/${created.id}`, { method: "DELETE" }))).status).toBe(200);
    // Revoking is idempotent: a second DELETE answers the same revoked key.
    expect((await keep(sessionFetch(app, t.admin, `/api/projects/${t.a.slug}/api-keys/${created.id}`, { method: "DELETE" }))).status).toBe(200);
    const revoked = await keep(keyFetch(app, full, "/api/v1/traces", { method: "POST", body: { traces: [trace("k-3")] } }));
    expect(revoked.status).toBe(401);
    expect(JSON.parse(revoked.text)).toEqual({ error: { code: "unauthenticated", message: "Invalid or revoked API key" } });

    for (const answer of answers) expect(answer.includes(full), answer.slice(0, 200)).toBe(false);
    // The server's whole stdout and stderr, from start-up to now (the init key is configured, so it is not checked here).
    await new Promise((r) => setTimeout(r, 500));
    const log = app.output();
    expect(log.length).toBeGreaterThan(0);
    expect(log.includes(full)).toBe(false);
    expect(log.includes(full.slice(0, -4))).toBe(false);
    expect(log.includes(t.b.key)).toBe(false);
  });
});

describe("session cookies behind https", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ database: "pglite", env: { NEXTAUTH_URL: "https://driftline.example.com", DRIFTLINE_DEMO: "0" } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("are Secure (with the __Secure- prefix), HttpOnly and SameSite=Lax when NEXTAUTH_URL is https", async () => {
    const session = await signIn(app, ADMIN.email, ADMIN.password);
    const line = session.setCookie.find((c) => c.startsWith("__Secure-next-auth.session-token="));
    expect(line, session.setCookie.join("\n")).toBeDefined();
    expect(line).toMatch(/;\s*Secure/i);
    expect(line).toMatch(/;\s*HttpOnly/i);
    expect(line).toMatch(/;\s*SameSite=Lax/i);
    // The session works for the dashboard API.
    const me = await fetch(`${app.url}/api/auth/session`, { headers: { Cookie: session.cookie } });
    expect(await me.json()).toMatchObject({ user: { email: ADMIN.email } });
  });
});
