/**
 * An OpenAI-compatible chat completions server for tests: the real client
 * packages (the `openai` SDK, the AI SDK's OpenAI provider) talk to it over
 * HTTP as they would to the provider. It answers `POST /v1/chat/completions`
 * as JSON, or as server-sent events when `stream: true` (with a usage chunk
 * when `stream_options.include_usage` asks for one), after a short wait
 * before the first chunk so that time to first token is measurable.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_RESPONSE_MODEL_SUFFIX = "-2024-07-18";
/** The answer's text comes in these pieces when streamed. */
export const FAKE_ANSWER_PIECES = ["Open Billing, ", "then Invoices, ", "then Export."];
export const FAKE_ANSWER = FAKE_ANSWER_PIECES.join("");
/** Tokens the fake provider reports as read from its prompt cache. */
export const FAKE_CACHED_TOKENS = 2;
export const FIRST_CHUNK_DELAY_MS = 60;
const CHUNK_GAP_MS = 40;

export type FakeOpenAi = {
  /** Base URL including `/v1`, as clients take it (`OPENAI_BASE_URL`). */
  baseUrl: string;
  /** Request bodies received, in order. */
  requests: Array<Record<string, unknown>>;
  close(): Promise<void>;
};

type Message = { role?: string; content?: unknown };

/** A rough token count: words and punctuation, at least 1. */
function countTokens(text: string): number {
  return Math.max(1, text.split(/\s+|(?=[,.!?])/).filter(Boolean).length);
}

function textOf(messages: Message[]): string {
  return messages
    .map((m) => (typeof m.content === "string" ? m.content : Array.isArray(m.content) ? m.content.map((p: { text?: string }) => p.text ?? "").join(" ") : ""))
    .join(" ");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
}

async function handle(req: IncomingMessage, res: ServerResponse, requests: FakeOpenAi["requests"]): Promise<void> {
  const path = (req.url ?? "").split("?")[0];
  if (req.method !== "POST" || (path !== "/v1/chat/completions" && path !== "/chat/completions")) {
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
    return;
  }
  const body = await readJson(req);
  requests.push(body);
  const model = typeof body.model === "string" ? body.model : "gpt-4o-mini";
  const messages = Array.isArray(body.messages) ? (body.messages as Message[]) : [];
  const promptTokens = countTokens(textOf(messages));
  const completionTokens = countTokens(FAKE_ANSWER);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: Math.min(FAKE_CACHED_TOKENS, promptTokens) },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
  const id = `chatcmpl-fake-${requests.length}`;
  const created = Math.floor(Date.now() / 1000);
  const responseModel = `${model}${FAKE_RESPONSE_MODEL_SUFFIX}`;

  if (body.stream !== true) {
    await sleep(FIRST_CHUNK_DELAY_MS);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created,
        model: responseModel,
        choices: [{ index: 0, message: { role: "assistant", content: FAKE_ANSWER, refusal: null }, finish_reason: "stop", logprobs: null }],
        usage,
        system_fingerprint: "fp_fake",
      }),
    );
    return;
  }

  const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: responseModel,
    system_fingerprint: "fp_fake",
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  await sleep(FIRST_CHUNK_DELAY_MS);
  for (const [i, piece] of FAKE_ANSWER_PIECES.entries()) {
    if (i > 0) await sleep(CHUNK_GAP_MS);
    send(chunk(i === 0 ? { role: "assistant", content: piece } : { content: piece }, null));
  }
  send(chunk({}, "stop"));
  if (includeUsage) send({ id, object: "chat.completion.chunk", created, model: responseModel, choices: [], usage });
  res.end("data: [DONE]\n\n");
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: FakeOpenAi["requests"] = [];
  const server: Server = createServer((req, res) => {
    handle(req, res, requests).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: error instanceof Error ? error.message : String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
