import { expect, test } from "@playwright/test";
import { startFakeOpenAi, type FakeOpenAi } from "../tests/fake-openai";
import { signIn } from "./helpers";

const KEY = "sk-e2e-judge-key-never-shown-9b2d";

let fake: FakeOpenAi;
test.beforeAll(async () => {
  fake = await startFakeOpenAi();
});
test.afterAll(async () => {
  await fake?.close();
});

test("an LLM connection is added, tested (answer and exact error), edited and deleted from Settings; the key is never shown", async ({ page }) => {
  await signIn(page);
  const slug = `llm-${Date.now()}`;
  expect((await page.request.post("/api/projects", { data: { slug, name: "LLM" } })).status()).toBe(201);
  await page.goto(`/p/${slug}/settings`);
  const card = page.getByRole("region", { name: "LLM connections" });
  await expect(card.getByText("No LLM connections yet.")).toBeVisible();

  const form = card.getByRole("form", { name: "Add an LLM connection" });
  await form.getByLabel("Name", { exact: true }).fill("judge");
  await form.getByLabel("Base URL").fill("not a url");
  await form.getByLabel("Model", { exact: true }).fill("gpt-4o-mini");
  await form.getByLabel("API key (optional)").fill(KEY);
  await form.getByRole("button", { name: "Add connection" }).click();
  await expect(form.getByText("must be an http(s) URL", { exact: false })).toBeVisible();
  await form.getByLabel("Base URL").fill(fake.baseUrl);
  await form.getByRole("button", { name: "Add connection" }).click();

  const row = card.getByTestId("llm-connection-judge");
  await expect(row).toBeVisible();
  await expect(row).toContainText("…9b2d");
  expect(await page.content()).not.toContain(KEY);

  fake.queue.push({ kind: "text", content: "OK" });
  await row.getByRole("button", { name: "Test connection" }).click();
  await expect(row.getByTestId("llm-test-result")).toContainText("OK");
  expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);

  fake.queue.push({ kind: "error", status: 401, message: "Incorrect API key provided" });
  await row.getByRole("button", { name: "Test connection" }).click();
  await expect(row.getByTestId("llm-test-result")).toContainText("HTTP 401: Incorrect API key provided");

  await row.getByRole("button", { name: "Edit" }).click();
  const edit = card.getByRole("form", { name: "Edit the LLM connection" });
  await edit.getByLabel("Model", { exact: true }).fill("gpt-4o");
  await edit.getByRole("button", { name: "Save connection" }).click();
  await expect(row).toContainText("gpt-4o");
  await expect(row).toContainText("…9b2d"); // an empty key box keeps the key

  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: "Delete" }).click();
  await expect(card.getByText("No LLM connections yet.")).toBeVisible();
});
