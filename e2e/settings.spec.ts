import { expect, test } from "@playwright/test";
import { E2E } from "./fixtures/constants.mjs";
import { signIn, waitForDemoReady } from "./helpers";

test("an API key is shown once in full, works against the read API, and can be revoked", async ({ page, playwright, baseURL }) => {
  await signIn(page);
  await waitForDemoReady(page.request);
  await page.goto("/p/demo/settings");
  const name = `e2e key ${Date.now()}`;
  await page.getByLabel("New key name").fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByTestId("new-key-value");
  await expect(shown).toBeVisible();
  const key = (await shown.innerText()).trim();
  expect(key.length).toBeGreaterThan(20);
  await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();

  // Shown once: after a reload only its last characters identify it.
  await page.reload();
  await expect(page.getByTestId("new-key-value")).toHaveCount(0);
  await expect(page.getByText(key, { exact: true })).toHaveCount(0);
  await expect(page.getByRole("row", { name: new RegExp(name) }).getByText(`dl_…${key.slice(-4)}`, { exact: true })).toBeVisible();

  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
  const list = await api.get("/api/v1/traces?limit=5");
  expect(list.status()).toBe(200);
  const body = await list.json();
  expect(body.data).toHaveLength(5);
  const first = body.data[0];

  const similar = await api.get(`/api/v1/traces/${first.id}/similar?k=3&which=prompt`);
  expect(similar.status()).toBe(200);
  const sim = await similar.json();
  expect(sim.model).toMatch(/^driftline-glove-100d/);
  expect(sim.data).toHaveLength(3);
  expect(sim.data[0].distance).toBeGreaterThanOrEqual(0);
  const bad = await api.get(`/api/v1/traces/${first.id}/similar?k=0&which=both`);
  expect(bad.status()).toBe(422);
  expect((await bad.json()).error.details.map((d: { path: string }) => d.path).sort()).toEqual(["query.k", "query.which"]);
  const backlog = await api.get("/api/v1/embeddings/backlog");
  expect(await backlog.json()).toMatchObject({ pending: 0, failed: 0, oldestPendingSeconds: null });

  // Revoke: the key stops working at once.
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("row", { name: new RegExp(name) }).getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("row", { name: new RegExp(name) }).getByText("revoked")).toBeVisible();
  expect((await api.get("/api/v1/traces?limit=1")).status()).toBe(401);
  await api.dispose();
});

test("a viewer added by an admin sees no mutating control, and a direct request from them is refused", async ({ page, browser }) => {
  const email = `viewer-${Date.now()}@example.com`;
  const password = "viewer password 1";
  await signIn(page);
  await page.goto("/p/demo/settings");
  const form = page.getByRole("form", { name: "Add member" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption("viewer");
  await form.getByLabel("Initial password (new accounts only)").fill(password);
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("cell", { name: email })).toBeVisible();

  const context = await browser.newContext();
  const viewer = await context.newPage();
  await signIn(viewer, email, password);
  await viewer.goto("/p/demo/settings");
  await expect(viewer.getByTestId("settings-role")).toHaveText("viewer");
  await expect(viewer.getByRole("heading", { name: "API keys" })).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Create key" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Add member" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Create project" })).toHaveCount(0);

  const direct = await viewer.request.post("/api/projects/demo/api-keys", { data: { name: "sneaky" } });
  expect(direct.status()).toBe(403);
  expect((await direct.json()).error.code).toBe("forbidden");
  expect((await viewer.request.patch("/api/projects/demo/settings", { data: { retentionDays: 1 } })).status()).toBe(403);
  expect((await viewer.request.post("/api/projects", { data: { slug: "viewer-made", name: "x" } })).status()).toBe(403);
  // Not a member of the other project: not found, not forbidden.
  expect((await viewer.request.get(`/api/projects/${E2E.project}/overview`)).status()).toBe(404);
  // Reading is allowed.
  expect((await viewer.request.get("/api/projects/demo/overview?range=7d")).status()).toBe(200);
  await context.close();

  // The admin removes the viewer again; a signed-out request is 401.
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("row", { name: new RegExp(email) }).getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("cell", { name: email })).toHaveCount(0);
  const anonymous = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  expect((await anonymous.request.post("/api/projects/demo/api-keys", { data: { name: "x" } })).status()).toBe(401);
  await anonymous.close();
});

test("settings report field errors and save redaction and retention", async ({ page }) => {
  await signIn(page);
  await page.goto(`/p/${E2E.project}/settings`);
  await page.getByLabel("Retention (days; empty keeps traces forever)").fill("0");
  await page.getByLabel("PII redaction before storage").fill("email,shoe_size");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Retention must be at least 1 day")).toBeVisible();
  await expect(page.getByText(/unknown redaction kind "shoe_size"/)).toBeVisible();
  await page.getByLabel("Retention (days; empty keeps traces forever)").fill("90");
  await page.getByLabel("PII redaction before storage").fill("email,phone");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Retention (days; empty keeps traces forever)")).toHaveValue("90");
  await expect(page.getByLabel("PII redaction before storage")).toHaveValue("email,phone");
  await page.getByLabel("Retention (days; empty keeps traces forever)").fill("");
  await page.getByLabel("PII redaction before storage").fill("default");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
});

test("an instance administrator creates a project and becomes its admin", async ({ page }) => {
  await signIn(page);
  await page.goto("/p/demo/settings");
  const slug = `made-${Date.now().toString(36)}`;
  const form = page.getByRole("form", { name: "Create project" });
  await form.getByLabel("Slug").fill("Bad Slug!");
  await form.getByLabel("Name").fill("Made in e2e");
  await form.getByRole("button", { name: "Create project" }).click();
  await expect(form.getByText(/Slug may contain/)).toBeVisible();
  await form.getByLabel("Slug").fill(slug);
  await form.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${slug}/settings`));
  await expect(page.getByTestId("settings-role")).toHaveText("admin");
});
