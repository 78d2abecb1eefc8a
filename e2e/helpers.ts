import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E } from "./fixtures/constants.mjs";

export async function signIn(page: Page, email = E2E.adminEmail, password = E2E.adminPassword): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

/**
 * The demo is written at start-up; its hourly rollups and embeddings follow
 * within seconds (background jobs). Waits until both are there, through the
 * same APIs the pages use.
 */
export async function waitForDemoReady(request: APIRequestContext): Promise<void> {
  await expect
    .poll(
      async () => {
        const overview = await (await request.get("/api/projects/demo/overview?range=7d")).json();
        const backlog = await (await request.get("/api/projects/demo/embedding-backlog")).json();
        return overview.pendingHours === 0 && overview.current?.requests > 300 && backlog.pending === 0;
      },
      { timeout: 60_000, intervals: [500, 1000, 2000] },
    )
    .toBe(true);
}

export function kpiNumber(text: string): number {
  return Number(text.replace(/[^0-9.]/g, ""));
}

type MonitorState = { id: string; name: string; kind: string; backfilledAt: string | null; latestResult: unknown; reference: { type: string; from?: string } };

/**
 * The demo's monitors are backfilled by the monitor job within a minute or two
 * of start-up (after the embeddings): polls the session API until every demo
 * monitor has its history, then returns them.
 */
export async function waitForMonitorsBackfilled(request: APIRequestContext, expected = 7): Promise<MonitorState[]> {
  let monitors: MonitorState[] = [];
  await expect
    .poll(
      async () => {
        // The server computes the backfill in-process: a request may time out or be reset meanwhile.
        const response = await request.get("/api/projects/demo/monitors", { timeout: 30_000 }).catch((error: unknown) => error as Error);
        if (response instanceof Error) return response.message;
        if (!response.ok()) return `HTTP ${response.status()}`;
        monitors = ((await response.json()) as { data: MonitorState[] }).data;
        const demo = monitors.filter((m) => m.reference.type === "fixed" || m.kind === "version_regression");
        return demo.length >= expected && demo.every((m) => m.backfilledAt !== null && m.latestResult !== null);
      },
      { timeout: 200_000, intervals: [1000, 2000, 5000] },
    )
    .toBe(true);
  return monitors;
}

type VersionChangeState = { id: string; model: string | null; fromVersion: string; toVersion: string; status: string; comparison: { metrics?: Array<{ metric: string; direction: string }> } | null };

/** Waits until the demo's gpt-4o version change has its comparison, and returns it. */
export async function waitForVersionChange(request: APIRequestContext, toVersion = "gpt-4o-2024-11-20"): Promise<VersionChangeState> {
  let change: VersionChangeState | undefined;
  await expect
    .poll(
      async () => {
        const response = await request.get("/api/projects/demo/version-changes", { timeout: 30_000 }).catch((error: unknown) => error as Error);
        if (response instanceof Error) return `HTTP ${response.message}`;
        if (!response.ok()) return `HTTP ${response.status()}`;
        change = ((await response.json()) as { data: VersionChangeState[] }).data.find((c) => c.toVersion === toVersion);
        return change?.status ?? "not detected";
      },
      { timeout: 180_000, intervals: [1000, 2000, 5000] },
    )
    .not.toMatch(/^(pending|not detected|HTTP)/);
  return change!;
}

/** Adds a viewer to the demo project through the admin's session and returns their credentials. */
export async function addDemoViewer(request: APIRequestContext): Promise<{ email: string; password: string }> {
  const email = `viewer-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = "viewer password 1";
  const response = await request.post("/api/projects/demo/members", { data: { email, role: "viewer", password } });
  expect(response.status()).toBe(201);
  return { email, password };
}

/** Saves a full-page screenshot as a test artefact. */
export async function shot(page: Page, name: string): Promise<void> {
  const info = test.info();
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: "image/png" });
}
