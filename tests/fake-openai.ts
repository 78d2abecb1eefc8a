/**
 * An OpenAI-compatible chat completions server for tests: the real client
 * packages (the `openai` SDK, the AI SDK's OpenAI provider) talk to it over
 * HTTP as they would to the provider. It answers `POST /v1/chat/completions`
 * as JSON, or as server-sent events when `stream: true` (with a usage chunk
 * when `stream_options.include_usage` asks for one), after a short wait
 * before the first chunk so that time to first token is measurable.
 *
 * A test that needs another answer queues it (`queue`): a function call with
 * its arguments (a judge's verdict), other text, an error status with its
 * headers (429 with `Retry-After`), a raw body, or no answer at all. Queued
 * answers are taken first, one per request; then the default answer resumes.
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

export type Reply =
  | { kind: "tool"; name: string; arguments: Record<string, unknown> | string; usage?: { prompt: number; completion: number } }
  | { kind: "text"; content: string; usage?: { prompt: number; completion: number } }
  | { kind: "error"; status: number; message?: string; headers?: Record<string, string> }
  | { kind: "raw"; status: number; body: string; headers?: Record<string, string> }
  | { kind: "hang" };

export type Recorded = { path: string; headers: IncomingMessage["headers"]; body: Record<string, unknown> };

export type FakeOpenAi = {
  /** Base URL including `/v1`, as clients take it (`OPENAI_BASE_URL`). */
  baseUrl: string;
  /** Requests received, in order. */
  requests: Recorded[];
  /** Answers to give instead of the default one, first in first out. */
  queue: Reply[];
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

async function handle(req: IncomingMessage, res: ServerResponse, fake: Omit<FakeOpenAi, "baseUrl" | "close">, hanging: Set<ServerResponse>): Promise<void> {
  const path = (req.url ?? "").split("?")[0];
  if (req.method !== "POST" || (path !== "/v1/chat/completions" && path !== "/chat/completions")) {
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
    return;
  }
  let body: Record<string, unknown>;
  try {
    body = await readJson(req);
  } catch {
    res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "We could not parse the JSON body of your request.", type: "invalid_request_error" } }));
    return;
  }
  const { requests } = fake;
  requests.push({ path, headers: req.headers, body });
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
  const queued = fake.queue.shift();
  if (queued) {
    answerQueued(res, queued, { id, created, model: responseModel }, hanging);
    return;
  }

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

function answerQueued(res: ServerResponse, reply: Reply, meta: { id: string; created: number; model: string }, hanging: Set<ServerResponse>): void {
  if (reply.kind === "hang") {
    hanging.add(res);
    return;
  }
  if (reply.kind === "error") {
    res
      .writeHead(reply.status, { "content-type": "application/json", ...reply.headers })
      .end(JSON.stringify({ error: { message: reply.message ?? `Error ${reply.status}`, type: reply.status === 429 ? "rate_limit_exceeded" : "server_error", code: null } }));
    return;
  }
  if (reply.kind === "raw") {
    res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers }).end(reply.body);
    return;
  }
  const usage = reply.usage ?? { prompt: 100, completion: 20 };
  const message =
    reply.kind === "tool"
      ? {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: `call_${meta.id}`,
              type: "function",
              function: { name: reply.name, arguments: typeof reply.arguments === "string" ? reply.arguments : JSON.stringify(reply.arguments) },
            },
          ],
        }
      : { role: "assistant", content: reply.content };
  res.writeHead(200, { "content-type": "application/json" }).end(
    JSON.stringify({
      ...meta,
      object: "chat.completion",
      choices: [{ index: 0, message, finish_reason: reply.kind === "tool" ? "tool_calls" : "stop", logprobs: null }],
      usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
    }),
  );
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const fake: Omit<FakeOpenAi, "baseUrl" | "close"> = { requests: [], queue: [] };
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    handle(req, res, fake, hanging).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: error instanceof Error ? error.message : String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
