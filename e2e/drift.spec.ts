import { expect, test, type Page } from "@playwright/test";
import { addDemoViewer, shot, signIn, waitForDemoReady, waitForMonitorsBackfilled } from "./helpers";

const DAY = 86_400_000;

async function openMonitor(page: Page, name: string): Promise<void> {
  await page.goto("/p/demo/drift");
  await page.getByTestId("monitors-table").getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
}

/** Every window of the monitor page's table: its end and verdict. */
async function windows(page: Page): Promise<Array<{ end: number; verdict: string }>> {
  const rows = page.getByTestId("windows-table").locator("tbody tr");
  return rows.evaluateAll((trs) => trs.map((tr) => ({ end: Date.parse(tr.getAttribute("data-window-end") ?? ""), verdict: tr.getAttribute("data-verdict") ?? "" })));
}

test.describe("drift", () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page);
    await waitForDemoReady(page.request);
  });

  test("the topic-shift monitor fires after the launch and not before; its emerging topic is the launch", async ({ page }) => {
    test.setTimeout(240_000);
    const monitors = await waitForMonitorsBackfilled(page.request);
    const topic = monitors.find((m) => m.kind === "topic_drift")!;
    // The demo's monitors use the world's first week as reference: its start is the world's first day.
    const worldStart = Date.parse(topic.reference.from!);
    const shiftStart = worldStart + 15 * DAY; // day 16
    const quietEnd = worldStart + 9 * DAY; // days 1–9

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Drift" }).click();
    await expect(page.getByRole("heading", { name: "Drift", level: 1 })).toBeVisible();
    await expect(page.getByTestId("monitor-row")).toHaveCount(monitors.length);
    await expect(page.getByTestId("alerts-panel")).toBeVisible();
    await expect(page.getByRole("button", { name: "Create monitor" })).toBeVisible();
    await shot(page, "drift-list");

    await openMonitor(page, "Topic drift and emerging topics");
    const series = await windows(page);
    expect(series.length).toBeGreaterThan(20);
    // Not before: every window that ends before the launch day starts (the quiet days included) is quiet.
    const before = series.filter((w) => w.end <= shiftStart);
    expect(before.length).toBeGreaterThan(10);
    expect(before.filter((w) => w.verdict === "drift")).toEqual([]);
    expect(series.filter((w) => w.end <= quietEnd).every((w) => w.verdict === "ok" || w.verdict === "insufficient_data")).toBe(true);
    // In the right windows: after the launch, the monitor fires.
    const firing = series.filter((w) => w.verdict === "drift");
    expect(firing.length).toBeGreaterThan(0);
    expect(Math.min(...firing.map((w) => w.end))).toBeGreaterThan(shiftStart);

    // The page opens on the latest firing window: its evidence and its emerging topic, the launch.
    const evidence = page.getByTestId("evidence");
    await expect(evidence.getByRole("row", { name: /Verdict/ })).toContainText("drift");
    await expect(evidence.getByRole("row", { name: /Sample sizes/ })).toContainText(/reference \d+, current \d+/);
    await expect(evidence.getByRole("row", { name: /Emerging share/ })).toBeVisible();
    const emerging = page.getByTestId("emerging-topic").first();
    await expect(emerging).toBeVisible();
    await expect(emerging.getByTestId("emerging-example").filter({ hasText: /acme vision/i }).first()).toBeVisible();
    await expect(page.getByTestId("topic-mix").getByRole("application")).toBeVisible();
    await expect(page.getByTestId("drift-series").locator(".recharts-reference-line").first()).toBeAttached();
    await shot(page, "topic-drift-monitor");

    // A quiet window chosen in the picker shows its own evidence.
    const quiet = await page.getByTestId("window-picker").locator("option").filter({ hasText: / ok$/ }).last().getAttribute("value");
    await page.getByTestId("window-picker").selectOption(quiet!);
    await expect(page.getByTestId("evidence").getByRole("row", { name: /Verdict/ })).toContainText("ok");
  });

  test("the embedding monitor's scatter opens a trace; concept drift shows quality per topic", async ({ page }) => {
    test.setTimeout(240_000);
    await waitForMonitorsBackfilled(page.request);
    await openMonitor(page, "Prompt embedding drift");
    const projection = page.getByTestId("projection");
    await expect(projection.locator(".recharts-scatter-symbol").first()).toBeVisible();
    await shot(page, "embedding-monitor");
    await projection.locator(".recharts-scatter-symbol").last().click({ force: true });
    await expect(page).toHaveURL(/\/p\/demo\/traces\/[0-9a-f-]{36}$/);

    await openMonitor(page, "Quality by topic (concept drift)");
    await expect(page.getByTestId("concept-quality").locator("tbody tr").first()).toBeVisible();
    await expect(page.getByTestId("evidence").getByRole("row", { name: /Significant per-topic comparisons/ })).toBeVisible();
  });

  test("bad input in the monitor form shows field errors and creates nothing; an engineer's monitor can be paused, resumed and deleted", async ({ page }) => {
    const count = async () => ((await (await page.request.get("/api/projects/demo/monitors")).json()) as { data: unknown[] }).data.length;
    const initial = await count();
    await page.goto("/p/demo/drift");
    const form = page.getByRole("form", { name: "Create monitor" });
    await form.getByLabel("Name").fill("");
    await form.getByRole("textbox", { name: /^Window/ }).fill("1m");
    await form.getByLabel("Schedule (cron, UTC)").fill("every day at noon");
    await form.getByLabel(/Thresholds/).fill('{ "alpha": 2, "psi": -1 }');
    await form.getByRole("button", { name: "Create monitor" }).click();
    await expect(form.getByText("is required")).toBeVisible();
    await expect(form.getByText("must be between 5 minutes and 90 days")).toBeVisible();
    await expect(form.getByText(/^alpha: /)).toBeVisible();
    await expect(form.getByText(/^psi: /)).toBeVisible();
    await expect(form.locator(".field-error").filter({ hasText: /cron|field|minute/i }).first()).toBeVisible();
    await expect(form.getByRole("alert")).toContainText("Nothing was created");
    await shot(page, "monitor-form-errors");
    expect(await count()).toBe(initial);

    // Malformed JSON never leaves the browser.
    await form.getByLabel(/Thresholds/).fill("{ alpha: ");
    await form.getByRole("button", { name: "Create monitor" }).click();
    await expect(form.getByText(/must be a JSON object/)).toBeVisible();
    expect(await count()).toBe(initial);

    const name = `e2e latency ${Date.now()}`;
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Kind").selectOption("metric");
    await form.getByLabel("Segment: model").fill("gpt-4o");
    await form.getByRole("textbox", { name: /^Window/ }).fill("24h");
    await form.getByLabel("Schedule (cron, UTC)").fill("0 6 * * *");
    await form.getByLabel(/Thresholds/).fill('{ "metric": "latency_ms", "detector": "threshold", "aggregate": "p95", "max": 5000 }');
    await form.getByRole("button", { name: "Create monitor" }).click();
    await expect(form.getByRole("status")).toContainText(name);
    expect(await count()).toBe(initial + 1);
    const row = page.getByTestId("monitor-row").filter({ hasText: name });
    await expect(row).toContainText("model gpt-4o");
    await expect(row).toContainText("0 6 * * *");
    await row.getByRole("button", { name: "Pause" }).click();
    await expect(row.locator(".badge.warn")).toHaveText("paused");
    expect(((await (await page.request.get("/api/projects/demo/monitors")).json()) as { data: Array<{ name: string; paused: boolean }> }).data.find((m) => m.name === name)?.paused).toBe(true);
    await row.getByRole("button", { name: "Resume" }).click();
    await expect(row.getByRole("button", { name: "Pause" })).toBeVisible();
    await expect(row.locator(".badge.warn")).toHaveCount(0);
    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: "Delete" }).click();
    await expect(row).toHaveCount(0);
    expect(await count()).toBe(initial);
  });

  test("a viewer reads the drift pages without a mutating control, and a direct request is refused", async ({ page, browser }) => {
    const monitors = await waitForMonitorsBackfilled(page.request);
    const viewer = await addDemoViewer(page.request);
    const context = await browser.newContext();
    const v = await context.newPage();
    await signIn(v, viewer.email, viewer.password);
    await v.goto("/p/demo/drift");
    await expect(v.getByTestId("monitor-row")).toHaveCount(monitors.length);
    await expect(v.getByRole("button", { name: "Create monitor" })).toHaveCount(0);
    await expect(v.getByRole("form", { name: "Create monitor" })).toHaveCount(0);
    await expect(v.getByRole("button", { name: "Pause" })).toHaveCount(0);
    await expect(v.getByRole("button", { name: "Delete" })).toHaveCount(0);
    await shot(v, "drift-viewer");
    await v.getByTestId("monitors-table").getByRole("link").first().click();
    await expect(v.getByTestId("drift-series")).toBeVisible();
    await v.goto("/p/demo/regressions");
    await expect(v.getByTestId("version-change").first()).toBeVisible();

    const create = await v.request.post("/api/projects/demo/monitors", { data: { name: "sneaky", kind: "topic_drift" } });
    expect(create.status()).toBe(403);
    expect((await create.json()).error.code).toBe("forbidden");
    const id = monitors[0]!.id;
    expect((await v.request.patch(`/api/projects/demo/monitors/${id}`, { data: { paused: true } })).status()).toBe(403);
    expect((await v.request.delete(`/api/projects/demo/monitors/${id}`)).status()).toBe(403);
    expect((await v.request.get("/api/projects/demo/monitors")).status()).toBe(200);
    expect((await v.request.get("/api/projects/demo/alerts?state=firing")).status()).toBe(200);
    await context.close();
  });
});
