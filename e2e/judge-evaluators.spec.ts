import { expect, test } from "@playwright/test";
import { startFakeOpenAi, type FakeOpenAi } from "../tests/fake-openai";
import { signIn } from "./helpers";

const KEY = "sk-e2e-judge-evaluator-key-never-shown-4c7e";
const REASONING = "The first sentence is in context 1; the discount is in no context.";

let fake: FakeOpenAi;
test.beforeAll(async () => {
  fake = await startFakeOpenAi();
});
test.afterAll(async () => {
  await fake?.close();
});

test("an llm_judge evaluator is created from the Evaluations page; its score's reasoning shows there and on the trace page", async ({ page, playwright, baseURL }) => {
  // The demo world fills its backlogs in the background on the same database: answers can take seconds, and the
  // evaluation job reaches this trace after the demo world's queued evaluations (minutes on a busy machine).
  test.setTimeout(480_000);
  await signIn(page);
  const slug = `judge-${Date.now()}`;
  expect((await page.request.post("/api/projects", { data: { slug, name: "Judge" } })).status()).toBe(201);
  const connection = await page.request.post(`/api/projects/${slug}/llm-connections`, { data: { name: "fake judge", baseUrl: fake.baseUrl, model: "gpt-4o-mini", apiKey: KEY } });
  expect(connection.status()).toBe(201);

  await page.goto(`/p/${slug}/evaluations`);
  const form = page.getByRole("form", { name: "Create evaluator" });
  await form.getByPlaceholder("e.g. golden").fill("grounded");
  await form.getByLabel("Kind").selectOption("llm_judge");
  await form.getByLabel("Template").selectOption("custom");
  await form.getByRole("button", { name: "Create evaluator" }).click();
  // No connection chosen, then no rubric: the field says what is wrong.
  await expect(form.getByText("is not an LLM connection id")).toBeVisible();
  await form.getByLabel("LLM connection").selectOption({ label: "fake judge (gpt-4o-mini)" });
  await form.getByRole("button", { name: "Create evaluator" }).click();
  await expect(form.getByText("is required for the custom template")).toBeVisible();
  await form.getByLabel("Template").selectOption("faithfulness");
  await form.getByLabel("Daily call cap").fill("20");
  await form.getByRole("button", { name: "Create evaluator" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Created “grounded”" })).toBeVisible({ timeout: 30_000 });
  const table = page.getByRole("region", { name: "Evaluators" });
  await expect(table).toContainText("llm_judge · faithfulness");
  await expect(table.getByTestId("judge-today")).toContainText("today: 0 / 20 calls", { timeout: 30_000 });

  // Limits change in place (same version).
  await table.getByRole("button", { name: "Limits" }).click();
  const limits = page.getByRole("form", { name: "Limits of grounded" });
  await limits.getByLabel("Daily call cap").fill("10");
  await limits.getByRole("button", { name: "Save limits" }).click();
  await expect(table.getByTestId("judge-today")).toContainText("today: 0 / 10 calls", { timeout: 60_000 });
  await expect(table).toContainText("v1");

  const created = await page.request.post(`/api/projects/${slug}/api-keys`, { data: { name: "e2e judge" } });
  const { key } = (await created.json()) as { key: string };
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
  fake.queue.push({ kind: "tool", name: "submit_verdicts", arguments: { reasons: REASONING, verdicts: ["yes", "no"] } });
  const ingest = await api.post("/api/v1/traces", {
    data: {
      traces: [
        {
          id: "rag-e2e",
          model: "gpt-4o-mini",
          prompt: "How fast are refunds?",
          response: "Refunds arrive within 5 business days. You also get a 20% discount.",
          contexts: [{ content: "Refunds are issued within 5 business days.", id: "kb-1" }],
        },
      ],
    },
  });
  expect(ingest.status()).toBe(200);
  await expect(table.getByTestId("judge-today")).toContainText("today: 1 / 10 calls", { timeout: 330_000 });

  const worst = page.getByTestId("worst-traces");
  await page.reload();
  await expect(worst).toContainText("grounded.faithfulness", { timeout: 60_000 });
  await worst.locator("summary").first().click();
  await expect(worst.getByTestId("judge-reasoning")).toContainText(REASONING);
  await worst.getByRole("link", { name: "trace" }).first().click();
  await expect(page.getByTestId("trace-evaluations")).toContainText("grounded.faithfulness", { timeout: 30_000 });
  await expect(page.getByTestId("evaluation-reasoning")).toContainText(REASONING);
  expect(await page.content()).not.toContain(KEY);
  await api.dispose();
});
