import { SpanKind } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { expect, test } from "@playwright/test";
import { DEMO_EVENTS } from "../lib/demo/world";
import { shot, signIn, waitForDemoReady } from "./helpers";

/** One GenAI span from the real OpenTelemetry SDK, exported by the official OTLP/HTTP protobuf exporter. */
async function exportGenAiSpan(baseURL: string, key: string, question: string): Promise<ExportResult> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "support-bot" }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const span = provider.getTracer("story").startSpan("chat gpt-4o-mini", {
    kind: SpanKind.CLIENT,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.usage.input_tokens": 21,
      "gen_ai.usage.output_tokens": 12,
      "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: question }] }]),
      "gen_ai.output.messages": JSON.stringify([
        { role: "assistant", parts: [{ type: "text", content: "Use Forgot password on the sign-in page." }], finish_reason: "stop" },
      ]),
    },
  });
  span.end();
  const exporter = new OTLPTraceExporter({ url: `${baseURL}/v1/traces`, headers: { Authorization: `Bearer ${key}` } });
  const result = await new Promise<ExportResult>((resolve) => exporter.export(memory.getFinishedSpans(), resolve));
  await exporter.shutdown();
  return result;
}

test("a key made in Settings sends traces natively and over OTLP; both show in Traces with similar traces once embedded", async ({
  page,
  playwright,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await signIn(page);
  await waitForDemoReady(page.request);
  await page.goto("/p/demo/settings");
  await page.getByLabel("New key name").fill(`story ${Date.now()}`);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-key-value").innerText()).trim();
  await shot(page, "story-key-created");

  const stamp = Date.now().toString(36);
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
  const native = await api.post("/api/v1/traces", {
    data: {
      traces: [
        {
          id: `story-native-${stamp}`,
          provider: "openai",
          model: "gpt-4o-mini",
          prompt: [{ role: "user", content: `I forgot my password and the reset link expired (${stamp}n)` }],
          response: "Request a new link from the sign-in page; only the latest link works.",
          latencyMs: 640,
        },
      ],
    },
  });
  expect(native.status()).toBe(200);
  expect((await native.json()).accepted).toBe(1);
  const otlp = await exportGenAiSpan(baseURL!, key, `how can I reset my password, the email never arrives (${stamp}o)`);
  expect(otlp.code).toBe(ExportResultCode.SUCCESS);
  await api.dispose();

  for (const suffix of ["n", "o"]) {
    await page.goto(`/p/demo/traces?q=${stamp}${suffix}`);
    const rows = page.getByTestId("traces-table").locator("tbody tr");
    await expect(rows).toHaveCount(1);
    await rows.first().getByRole("link").click();
    await expect(page.getByRole("heading", { name: "Trace", exact: true })).toBeVisible();
    // The embedding job picks the new texts up within seconds; the page shows the neighbours once it has.
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByTestId("similar-traces").locator("tbody tr").count();
        },
        { timeout: 60_000, intervals: [1000, 2000, 3000] },
      )
      .toBe(10);
    // The nearest demo prompts are about passwords too.
    const nearest = await page.getByTestId("similar-traces").locator("tbody tr").first().innerText();
    expect(nearest.toLowerCase()).toMatch(/password|reset|log ?in/);
    await shot(page, `story-trace-${suffix === "n" ? "native" : "otlp"}`);
  }
});

test("routing shows the router change moving cheap traffic to gemini-2.0-flash", async ({ page }) => {
  await signIn(page);
  await waitForDemoReady(page.request);
  const routing = await (await page.request.get("/api/projects/demo/routing?range=30d&by=model")).json();
  const dayMs = 86_400_000;
  const start = new Date(routing.period.from).getTime();
  const share = (fromDay: number, toDay: number) => {
    const inRange = routing.series.filter((p: { t: string }) => {
      const day = Math.floor((Date.parse(p.t) - start) / dayMs) + 1;
      return day >= fromDay && day <= toDay;
    });
    const all = inRange.reduce((s: number, p: { requests: number }) => s + p.requests, 0);
    const gemini = inRange.filter((p: { key: string }) => p.key === "gemini-2.0-flash").reduce((s: number, p: { requests: number }) => s + p.requests, 0);
    return gemini / all;
  };
  const before = share(2, DEMO_EVENTS.routerChangeDay - 2);
  const after = share(DEMO_EVENTS.routerChangeDay + 1, 30);
  expect(after).toBeGreaterThan(3 * before);
  await page.goto("/p/demo/routing?range=30d");
  await expect(page.getByText("gemini-2.0-flash").first()).toBeVisible();
  await shot(page, "story-routing");
});
