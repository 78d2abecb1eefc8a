import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test("an unpriced model is priced from Settings in one click, and its history re-priced", async ({ page, playwright, baseURL }) => {
  await signIn(page);
  // A project of its own, so the demo's traffic and counts stay as the other specs expect them.
  const slug = `prices-${Date.now()}`;
  expect((await page.request.post("/api/projects", { data: { slug, name: "Prices" } })).status()).toBe(201);
  const created = await page.request.post(`/api/projects/${slug}/api-keys`, { data: { name: "e2e prices" } });
  expect(created.status()).toBe(201);
  const { key } = (await created.json()) as { key: string };
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
  const ingest = await api.post("/api/v1/traces", {
    data: {
      traces: [
        { id: "ft-1", provider: "acme", model: "acme-support-ft", inputTokens: 1_000_000, outputTokens: 100_000, prompt: "q", response: "a" },
        { id: "table-1", provider: "openai", model: "gpt-4o-mini", inputTokens: 10_000, outputTokens: 2_000, prompt: "q", response: "a" },
      ],
    },
  });
  expect(ingest.status()).toBe(200);
  const cost = async (id: string) => ((await (await api.get(`/api/v1/traces/${id}`)).json()) as { costUsd: number | null }).costUsd;
  expect(await cost("table-1")).toBeCloseTo(0.0027, 10);
  expect(await cost("ft-1")).toBeNull();

  await page.goto(`/p/${slug}/settings`);
  const card = page.getByRole("region", { name: "Model prices" });
  await expect(card.getByText("genai-prices", { exact: false }).first()).toBeVisible();
  const unknown = card.getByRole("table", { name: "Unpriced models (last 30 days)" });
  const row = unknown.getByRole("row", { name: /acme-support-ft/ });
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Price this model" }).click();
  const form = card.getByRole("form", { name: "Set a model price" });
  await expect(form.getByLabel("Model")).toHaveValue("acme-support-ft");
  await expect(form.getByLabel("Provider (empty: any)")).toHaveValue("acme");

  // A mistake is named at its field.
  await form.getByLabel("Input $ / 1M tokens").fill("1");
  await form.getByLabel("Output $ / 1M tokens").fill("cheap");
  await form.getByRole("button", { name: "Set price" }).click();
  await expect(form.getByText("must be a number (USD per million tokens)")).toBeVisible();
  await form.getByLabel("Output $ / 1M tokens").fill("2");
  await form.getByRole("button", { name: "Set price" }).click();

  const overrides = card.getByRole("table", { name: "Price overrides" });
  const override = overrides.getByRole("row", { name: /acme-support-ft/ });
  await expect(override).toContainText("$1.00");
  await expect(override).toContainText("$2.00");
  await expect(override).toContainText("as input");

  // New traces use it at once; the stored one on request, in the background.
  await api.post("/api/v1/traces", { data: { traces: [{ id: "ft-2", provider: "acme", model: "acme-support-ft", inputTokens: 1_000_000, outputTokens: 100_000 }] } });
  expect(await cost("ft-2")).toBeCloseTo(1.2, 10);
  await override.getByRole("button", { name: "Re-price history" }).click();
  await expect(card.getByRole("status")).toContainText("Re-pricing the stored traces of acme-support-ft");
  await expect.poll(() => cost("ft-1"), { timeout: 30_000, intervals: [500, 1000] }).toBeCloseTo(1.2, 10);
  await page.reload();
  await expect(card.getByText("Every call with token counts in the last 30 days has a cost.")).toBeVisible();

  page.once("dialog", (d) => void d.accept());
  await override.getByRole("button", { name: "Remove" }).click();
  await expect(card.getByText("No prices of your own yet.")).toBeVisible();
  await api.dispose();
});
