import { expect, test } from "@playwright/test";
import { signIn, waitForDemoReady, waitForMonitorsBackfilled, waitForVersionChange } from "./helpers";

// `DRIFTLINE_SCREENSHOTS=1 npx playwright test screenshots` refreshes docs/screenshots/ from the demo project.
test.skip(!process.env.DRIFTLINE_SCREENSHOTS, "set DRIFTLINE_SCREENSHOTS=1 to refresh docs/screenshots");

test("screenshots of each page", async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await signIn(page);
  await waitForDemoReady(page.request);
  const shots: Array<[string, string, string]> = [
    ["overview", "/p/demo?range=7d", "near-duplicate-share"],
    ["routing", "/p/demo/routing?range=7d", "matched-comparison"],
    ["traces", "/p/demo/traces", "traces-table"],
    ["settings", "/p/demo/settings", "settings-role"],
  ];
  for (const [name, url, ready] of shots) {
    await page.goto(url);
    await expect(page.getByTestId(ready).first()).toBeVisible();
    await page.waitForTimeout(800); // chart animations
    await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
  }
  await page.goto("/p/demo/traces");
  await page.getByTestId("traces-table").locator("tbody tr").first().getByRole("link").click();
  await expect(page.getByTestId("similar-traces")).toBeVisible();
  await page.screenshot({ path: "docs/screenshots/trace-detail.png", fullPage: true });

  const monitors = await waitForMonitorsBackfilled(page.request);
  const change = await waitForVersionChange(page.request);
  const topic = monitors.find((m) => m.kind === "topic_drift")!;
  const drift: Array<[string, string, string]> = [
    ["drift", "/p/demo/drift", "monitors-table"],
    ["drift-monitor", `/p/demo/drift/${topic.id}`, "emerging-topics"],
    ["regressions", "/p/demo/regressions", "version-change"],
    ["regression", `/p/demo/regressions/${change.id}`, "regression-metrics"],
  ];
  for (const [name, url, ready] of drift) {
    await page.goto(url);
    await expect(page.getByTestId(ready).first()).toBeVisible();
    await page.waitForTimeout(800);
    await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
  }
  await page.getByRole("button", { name: "Switch to light theme" }).click();
  await page.goto("/p/demo?range=7d");
  await expect(page.getByTestId("near-duplicate-share")).toBeVisible();
  await page.waitForTimeout(800);
  await page.screenshot({ path: "docs/screenshots/overview-light.png", fullPage: true });
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
});
