import { expect, test } from "@playwright/test";
import { startFakeOpenAi, type FakeOpenAi } from "../tests/fake-openai";
import { signIn } from "./helpers";

const KEY = "sk-e2e-judge-evaluator-key-never-shown-4c7e";

let fake: FakeOpenAi;
test.beforeAll(async () => {
  fake = await startFakeOpenAi();
});
test.afterAll(async () => {
  await fake?.close();
});

// The judged trace's reasoning on the page and the trace page is not driven here: in the e2e server the evaluation
// job reaches a new project's trace only after the demo world's queued evaluations, which took more than 5 minutes.
// tests/http/judge-evaluators.test.ts and tests/db/judge-evaluators.test.ts check the scores, comments and read models.
test("an llm_judge evaluator is created from the Evaluations page with its connection, template and limits, which are edited in place", async ({ page }) => {
  // The demo world fills its backlogs in the background on the same database: answers can take seconds.
  test.setTimeout(240_000);
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

  expect(await page.content()).not.toContain(KEY);
});
