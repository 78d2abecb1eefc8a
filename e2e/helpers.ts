import { expect, type APIRequestContext, type Page } from "@playwright/test";
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
