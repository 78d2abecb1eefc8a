import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { E2E } from "./fixtures/constants.mjs";
import { kpiNumber, signIn, waitForDemoReady } from "./helpers";

test.beforeEach(async ({ page }) => {
  await signIn(page);
  await waitForDemoReady(page.request);
});

test("overview: every KPI with its trend, charts, near-duplicates and the breakdown", async ({ page }) => {
  await page.goto("/p/demo?range=30d");
  for (const id of ["requests", "active-users", "total-cost", "cost-per-request", "latency-p50", "latency-p95", "error-rate", "refusal-rate"]) {
    await expect(page.getByTestId(`kpi-${id}`)).toBeVisible();
  }
  // The demo world: E2E.demoPerDay traces a day for 30 days, ending at the hour the server started;
  // the 30-day period ends now, so at most the first hour of the world falls outside it (and other specs may
  // have posted a few traces of their own).
  const total = E2E.demoDays * E2E.demoPerDay;
  const requests = kpiNumber(await page.getByTestId("kpi-requests").locator(".kpi-value").innerText());
  expect(requests).toBeLessThanOrEqual(total + 10);
  expect(requests).toBeGreaterThan(total * 0.97);
  expect(kpiNumber(await page.getByTestId("kpi-active-users").locator(".kpi-value").innerText())).toBeGreaterThan(50);
  await expect(page.getByTestId("kpi-score-user-feedback")).toBeVisible();
  await expect(page.getByTestId("kpi-score-judge-helpfulness")).toBeVisible();
  await expect(page.getByText("All times UTC.").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "Requests per day" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Latency p50 / p95 per day" })).toBeVisible();
  await expect(page.locator(".recharts-surface").first()).toBeVisible();

  // The demo repeats a dozen questions: most prompts have an earlier near-identical one.
  const share = page.getByTestId("near-duplicate-share");
  await expect(share).toBeVisible();
  expect(kpiNumber(await share.innerText())).toBeGreaterThan(20);

  // Breakdown by model, route and tag; CSV export.
  await expect(page.getByRole("rowheader", { name: "claude-sonnet-4" })).toBeVisible();
  await page.getByRole("button", { name: "Tag", exact: true }).click();
  await expect(page.getByRole("rowheader", { name: "billing" })).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("driftline-demo-by-tag.csv");
  const csv = readFileSync((await download.path())!, "utf8");
  expect(csv.split("\r\n")[0]).toMatch(/^tag,requests,share,/);
  expect(csv).toContain("sql-help,");
});

test("overview: custom period and an empty period show their states", async ({ page }) => {
  await page.goto("/p/demo");
  await page.getByRole("button", { name: "Custom" }).click();
  await page.getByLabel("From date (UTC)").fill("2020-01-01");
  await page.getByLabel("To date (UTC), inclusive").fill("2020-01-02");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/range=custom&from=2020-01-01&to=2020-01-02/);
  await expect(page.getByText("2020-01-01 – 2020-01-02 (UTC days)")).toBeVisible();
  expect(kpiNumber(await page.getByTestId("kpi-requests").locator(".kpi-value").innerText())).toBe(0);
  await expect(page.getByText("No requests in this period.")).toBeVisible();
});

test("overview API: bad parameters are refused with field paths", async ({ page }) => {
  const response = await page.request.get("/api/projects/demo/overview?range=custom&from=2026-02-30x&to=2026-01-01");
  expect(response.status()).toBe(422);
  const body = await response.json();
  expect(body.error.details.map((d: { path: string }) => d.path)).toContain("query.from");
});

test("light theme persists across pages", async ({ page }) => {
  await page.goto("/p/demo");
  await page.getByRole("button", { name: "Switch to light theme" }).click();
  await expect(page.locator(".shell")).toHaveAttribute("data-theme", "light");
  await page.goto("/p/demo/traces");
  await expect(page.locator(".shell")).toHaveAttribute("data-theme", "light");
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await expect(page.locator(".shell")).toHaveAttribute("data-theme", "dark");
});
