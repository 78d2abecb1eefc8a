import { expect, test } from "@playwright/test";
import { signIn, waitForDemoReady } from "./helpers";

test("routing: per-model charts, quality vs cost and a matched comparison from the demo", async ({ page }) => {
  await signIn(page);
  await waitForDemoReady(page.request);
  await page.goto("/p/demo");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Routing" }).click();
  await expect(page.getByRole("heading", { name: "Routing", exact: true })).toBeVisible();
  for (const id of ["share", "costPerRequestUsd", "latencyP95Ms", "score", "errorRate", "refusalRate"]) {
    await expect(page.getByTestId(`routing-${id}`).getByRole("application")).toBeVisible();
  }
  const totals = page.getByRole("region", { name: "Totals" });
  for (const model of ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4"]) {
    await expect(totals.getByRole("rowheader", { name: model, exact: true })).toBeVisible();
  }
  await expect(page.getByRole("heading", { name: "Quality vs cost" })).toBeVisible();
  // The demo sends the same questions to three models: the matched comparison pairs them.
  const matched = page.getByTestId("matched-comparison");
  await expect(matched.locator("tbody tr").first()).toBeVisible();
  await expect(matched).toContainText("→");

  await page.getByRole("button", { name: "Per route" }).click();
  await expect(totals.getByRole("rowheader", { name: "quality", exact: true })).toBeVisible();
  await expect(totals.getByRole("rowheader", { name: "cheap", exact: true })).toBeVisible();
});
