import { expect, test } from "@playwright/test";
import { signIn, waitForDemoReady } from "./helpers";

test("traces: filter, search, load more, and a trace's detail with similar traces", async ({ page }) => {
  await signIn(page);
  await waitForDemoReady(page.request);
  await page.goto("/p/demo/traces");
  const rows = page.getByTestId("traces-table").locator("tbody tr");
  await expect(rows).toHaveCount(50);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(rows).toHaveCount(100);

  await page.getByLabel("Model").selectOption("gpt-4o-mini");
  await page.getByLabel("Search prompt text").fill("password");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/model=gpt-4o-mini/);
  await expect(rows.first()).toBeVisible();
  for (const text of await rows.locator("td:nth-child(2)").allInnerTexts()) expect(text).toBe("gpt-4o-mini");
  for (const text of await rows.locator("td:nth-child(4)").allInnerTexts()) expect(text.toLowerCase()).toContain("password");

  await page.getByLabel("Status").selectOption("error");
  await page.getByLabel("Search prompt text").fill("");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/status=error/);
  await expect(rows.first().locator(".badge.error")).toBeVisible();

  await page.getByRole("link", { name: "Clear" }).click();
  // A demo trace (other specs post their own traces, without a system prompt).
  await page.getByLabel("Model").selectOption("claude-sonnet-4");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/model=claude-sonnet-4/);
  await rows.first().getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Trace", exact: true })).toBeVisible();
  await expect(page.locator(".message-role", { hasText: "system" })).toBeVisible();
  await expect(page.locator(".message-role", { hasText: "user" })).toBeVisible();
  await expect(page.getByTestId("embedding-status")).toContainText("embedded");
  await expect(page.getByTestId("embedding-status")).toContainText("driftline-glove-100d");
  const similar = page.getByTestId("similar-traces").locator("tbody tr");
  await expect(similar).toHaveCount(10);
  await similar.first().getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Trace", exact: true })).toBeVisible();
});

test("traces API: bad parameters answer 422 with field paths", async ({ page }) => {
  await signIn(page);
  const response = await page.request.get("/api/projects/demo/traces?status=maybe&limit=0");
  expect(response.status()).toBe(422);
  const paths = (await response.json()).error.details.map((d: { path: string }) => d.path);
  expect(paths).toEqual(expect.arrayContaining(["query.status", "query.limit"]));
});
