import { expect, test } from "@playwright/test";
import { shot, signIn, waitForDemoReady, waitForVersionChange } from "./helpers";

test("the gpt-4o version change is a regression on latency and output length, with before/after evidence and example pairs", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page);
  await waitForDemoReady(page.request);
  const change = await waitForVersionChange(page.request);
  expect(change.status).toBe("regression");
  const worse = (change.comparison?.metrics ?? []).filter((m) => m.direction === "worse").map((m) => m.metric);
  expect(worse).toEqual(expect.arrayContaining(["latency_ms", "output_tokens"]));

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Regressions" }).click();
  await expect(page.getByRole("heading", { name: "Regressions", level: 1 })).toBeVisible();
  const timeline = page.getByTestId("model-timeline").filter({ has: page.getByRole("heading", { name: "openai / gpt-4o" }) });
  const item = timeline.getByTestId("version-change").filter({ hasText: "gpt-4o-2024-11-20" });
  await expect(item).toContainText("gpt-4o-2024-08-06");
  await expect(item.getByTestId("version-change-status")).toHaveText("regression");
  await expect(item).toContainText(/latency \+\d/);
  await shot(page, "regressions");

  await item.getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/p/demo/regressions/${change.id}$`));
  await expect(page.getByTestId("change-verdict")).toHaveText("regression");
  const metrics = page.getByTestId("regression-metrics");
  for (const metric of ["latency_ms", "output_tokens"]) {
    const row = metrics.locator(`tr[data-metric="${metric}"]`);
    await expect(row).toHaveAttribute("data-direction", "worse");
    await expect(row).toContainText(/\+\d+(\.\d)?%/);
    await expect(row).toContainText("Mann–Whitney U");
  }
  await expect(metrics.locator('tr[data-metric="latency_ms"]')).toContainText(/p95 \+\d+ ms \(95% CI/);
  await expect(metrics.locator('tr[data-metric="refusal_rate"]')).toContainText("Fisher's exact");
  // Example pairs: the same question answered by both versions, with links to both traces.
  const examples = page.getByTestId("regression-examples");
  await expect(examples).toContainText(/prompt similarity 0\.9\d*|prompt similarity 1\.000/);
  await expect(examples.getByText(/Up to 40 answers of gpt-4o-2024-11-20/)).toBeVisible();
  await shot(page, "regression");
});
