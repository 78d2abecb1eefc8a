import { expect, test } from "@playwright/test";
import { E2E } from "./fixtures/constants.mjs";
import { signIn, waitForDemoReady } from "./helpers";

test("health reports the embedded database with pgvector and all migrations", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body).toMatchObject({ status: "ok", database: "pglite" });
  expect(body.pgvector).toMatch(/^\d+\.\d+\.\d+$/);
  expect(body.migrations).toBeGreaterThanOrEqual(2);
});

test("signed-out visitors are sent to sign-in, and a wrong password is refused", async ({ page }) => {
  await page.goto("/p/demo");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(E2E.adminEmail);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong" })).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/login/);
});

test("the admin sees the demo overview with KPIs and charts", async ({ page }) => {
  await signIn(page);
  await waitForDemoReady(page.request);
  await page.goto("/p/demo");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  const requests = page.getByTestId("kpi-requests");
  await expect(requests).toBeVisible();
  // The demo writes 60 traces a day for 7 days; the default period is the last 7 days.
  const value = Number((await requests.locator(".kpi-value").innerText()).replace(/,/g, ""));
  expect(value).toBeGreaterThan(300);
  await expect(page.getByRole("heading", { name: "Requests per day" })).toBeVisible();
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await expect(page.getByRole("rowheader", { name: "gpt-4o-mini" })).toBeVisible();
  await expect(page.getByTestId("role")).toHaveText("admin");

  // Switching the period refetches through the API.
  await page.getByRole("link", { name: "24 h" }).click();
  await expect(page).toHaveURL(/range=24h/);
  const day = Number((await page.getByTestId("kpi-requests").locator(".kpi-value").innerText()).replace(/,/g, ""));
  expect(day).toBeGreaterThan(20);
  expect(day).toBeLessThan(value);
});

test("navigation reaches traces and settings; the key is shown by its last characters only", async ({ page }) => {
  await signIn(page);
  await page.goto("/p/demo");
  await page.getByRole("link", { name: "Traces" }).click();
  await expect(page.getByRole("heading", { name: "Traces" })).toBeVisible();
  await expect(page.getByTestId("traces-table").locator("tbody tr")).toHaveCount(50);

  await page.goto(`/p/${E2E.project}/settings`);
  await expect(page.getByRole("heading", { name: "API keys" })).toBeVisible();
  await expect(page.getByText(`dl_…${E2E.apiKey.slice(-4)}`, { exact: true })).toBeVisible();
  await expect(page.getByText(E2E.apiKey, { exact: true })).toHaveCount(0);
});

test("an empty project says how to send the first trace", async ({ page }) => {
  await signIn(page);
  await page.goto(`/p/${E2E.project}`);
  const empty = page.getByTestId("empty-state");
  await expect(empty).toBeVisible();
  await expect(empty).toContainText("/api/v1/traces");
  await expect(empty).toContainText("/v1/traces");
});

test("a project the user is not a member of is not found", async ({ page }) => {
  await signIn(page);
  const response = await page.goto("/p/no-such-project");
  expect(response?.status()).toBe(404);
});

test("signing out ends the session on the server", async ({ page }) => {
  await signIn(page);
  await page.goto("/p/demo");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/p/demo");
  await expect(page).toHaveURL(/\/login/);
});
