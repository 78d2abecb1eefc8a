/**
 * Captures the OTLP requests the real client packages send, as fixtures for
 * the mapping's unit tests (lib/ingest/otlp/fixtures/<snippet>.json): runs each
 * JavaScript snippet of docs/clients.md against the fake OpenAI server, with
 * its exporter pointed at a local receiver that keeps the JSON bodies.
 *
 *   npx tsx scripts/capture-client-fixtures.ts [snippet-id …]
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { startFakeOpenAi } from "../tests/fake-openai";
import { readSnippets, runSnippet } from "../tests/clients/snippets";

const received: unknown[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (req.method === "POST" && /\/v1\/traces$/.test(req.url ?? "") && (req.headers["content-type"] ?? "").includes("json")) {
      received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    } else {
      res.writeHead(404).end();
    }
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
const openai = await startFakeOpenAi();

const wanted = process.argv.slice(2);
for (const snippet of readSnippets().values()) {
  if (snippet.language !== "js" || (wanted.length > 0 && !wanted.includes(snippet.id))) continue;
  received.length = 0;
  const run = await runSnippet(snippet, {
    DRIFTLINE_URL: receiverUrl,
    DRIFTLINE_API_KEY: "dl_fixture_key",
    DRIFTLINE_PROJECT: "fixture-project",
    OPENAI_BASE_URL: openai.baseUrl,
    OPENAI_API_KEY: "sk-fixture",
  });
  if (run.exitCode !== 0) throw new Error(`snippet ${snippet.id} failed (${run.exitCode}):\n${run.stderr}`);
  const file = path.resolve("lib/ingest/otlp/fixtures", `${snippet.id}.json`);
  writeFileSync(file, `${JSON.stringify({ snippet: snippet.id, requests: received }, null, 1)}\n`);
  console.log(`${snippet.id}: ${received.length} request(s) → ${path.relative(process.cwd(), file)}`);
}
await openai.close();
receiver.close();
