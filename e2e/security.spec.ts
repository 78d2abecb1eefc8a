import { expect, test, type Page } from "@playwright/test";
import { E2E } from "./fixtures/constants.mjs";
import { signIn } from "./helpers";

const MARK = "xss-probe-7f3a";
const SCRIPT = "<script>alert(1)</script>";
const IMG = `"><img src=x onerror=alert(1)>`;
const SQL = "'; drop table traces; --";
const PROMPT = `${MARK} ${SCRIPT} ${IMG} ${SQL}`;
const RESPONSE = `${SQL} ${IMG} ${SCRIPT}`;

/** Nothing of the payload became markup: no injected element, no script made of it, no handler attribute. */
async function injectedElements(page: Page) {
  return page.evaluate(() => ({
    scripts: [...document.querySelectorAll("script")].filter((s) => s.textContent?.trim() === "alert(1)").length,
    images: document.querySelectorAll('img[src="x"], img[onerror]').length,
    handlers: [...document.querySelectorAll("*")].filter((el) => el.hasAttribute("onerror")).length,
  }));
}

test("script and SQL strings in a trace are stored verbatim and rendered as text", async ({ page, request }) => {
  const dialogs: string[] = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  const headers = { Authorization: `Bearer ${E2E.apiKey}` };
  const id = `${MARK}-${Date.now()}`;
  const ingest = await request.post("/api/v1/traces", {
    headers,
    data: {
      traces: [
        {
          id,
          timestamp: new Date(Date.now() - 60_000).toISOString(),
          provider: "openai",
          model: "gpt-4o-mini",
          route: `${IMG}`,
          prompt: [{ role: "user", content: PROMPT }],
          response: RESPONSE,
          latencyMs: 420,
          status: "ok",
          userId: SCRIPT,
          tags: [SQL],
          metadata: { note: IMG },
        },
      ],
    },
  });
  expect(ingest.status()).toBe(200);

  // Stored verbatim (and the traces table is still there).
  const stored = await request.get(`/api/v1/traces/${id}`, { headers });
  expect(stored.status()).toBe(200);
  const trace = (await stored.json()) as { id: string; prompt: unknown; response: string; route: string; userId: string; tags: string[]; metadata: Record<string, string> };
  expect(JSON.stringify(trace.prompt)).toContain(JSON.stringify(PROMPT).slice(1, -1));
  expect(trace.response).toBe(RESPONSE);
  expect(trace.route).toBe(IMG);
  expect(trace.userId).toBe(SCRIPT);
  expect(trace.tags).toEqual([SQL]);
  expect(trace.metadata.note).toBe(IMG);

  await signIn(page);
  await page.goto(`/p/${E2E.project}/traces`);
  await page.getByLabel("Search prompt text").fill(MARK);
  await page.getByRole("button", { name: "Apply" }).click();
  const rows = page.getByTestId("traces-table").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(MARK);
  await expect(rows.first()).toContainText(SCRIPT);
  expect(await injectedElements(page)).toEqual({ scripts: 0, images: 0, handlers: 0 });

  await rows.first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Trace", exact: true })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/traces/${trace.id}`));
  const main = page.locator("main");
  await expect(main).toContainText(PROMPT);
  await expect(main).toContainText(RESPONSE);
  await expect(main).toContainText(IMG);
  expect(await injectedElements(page)).toEqual({ scripts: 0, images: 0, handlers: 0 });

  // Reloaded (server-rendered rather than navigated on the client), still text only.
  await page.reload();
  await expect(main).toContainText(PROMPT);
  expect(await injectedElements(page)).toEqual({ scripts: 0, images: 0, handlers: 0 });
  expect(dialogs).toEqual([]);

  // The SQL string was data: the traces table still answers.
  const list = await request.get("/api/v1/traces?limit=5", { headers });
  expect(list.status()).toBe(200);
  expect(((await list.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
});
