import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An OpenAI-compatible chat-completions server for tests: it speaks the real
 * wire protocol (`POST /v1/chat/completions`, JSON in and out, `tool_calls`,
 * `usage`, error bodies, `Retry-After`), records every request, and answers
 * from a script the test writes. Nothing leaves the machine.
 */

export type ChatCompletionRequest = {
  model: string;
  messages: Array<{ role: string; content: string }>;
  tools?: Array<{ type: string; function: { name: string; parameters: Record<string, unknown> } }>;
  tool_choice?: unknown;
  temperature?: number;
  max_tokens?: number;
};

export type Recorded = { path: string; headers: IncomingMessage["headers"]; body: ChatCompletionRequest };

export type Reply =
  | { kind: "tool"; name: string; arguments: Record<string, unknown> | string; usage?: { prompt: number; completion: number } }
  | { kind: "text"; content: string; usage?: { prompt: number; completion: number } }
  | { kind: "error"; status: number; message?: string; headers?: Record<string, string> }
  | { kind: "raw"; status: number; body: string; headers?: Record<string, string> }
  | { kind: "hang" };

export type FakeOpenAi = {
  url: string;
  /** The base URL clients configure (`…/v1`). */
  baseUrl: string;
  requests: Recorded[];
  /** What to answer next; when the queue is empty, `fallback` answers. */
  queue: Reply[];
  fallback: (request: ChatCompletionRequest) => Reply;
  close(): Promise<void>;
};

export async function startFakeOpenAi(fallback?: (request: ChatCompletionRequest) => Reply): Promise<FakeOpenAi> {
  const fake: Omit<FakeOpenAi, "url" | "baseUrl" | "close"> = {
    requests: [],
    queue: [],
    fallback: fallback ?? (() => ({ kind: "text", content: "pong", usage: { prompt: 5, completion: 1 } })),
  };
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { message: `Unknown path ${req.url}`, type: "invalid_request_error" } }));
        return;
      }
      let body: ChatCompletionRequest;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { message: "We could not parse the JSON body of your request.", type: "invalid_request_error" } }));
        return;
      }
      fake.requests.push({ path: req.url, headers: req.headers, body });
      const reply = fake.queue.shift() ?? fake.fallback(body);
      answer(res, body, reply, hanging);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(fake as FakeOpenAi, {
    url,
    baseUrl: `${url}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

let counter = 0;
function answer(res: ServerResponse, request: ChatCompletionRequest, reply: Reply, hanging: Set<ServerResponse>): void {
  if (reply.kind === "hang") {
    hanging.add(res);
    return;
  }
  if (reply.kind === "error") {
    res
      .writeHead(reply.status, { "Content-Type": "application/json", ...reply.headers })
      .end(JSON.stringify({ error: { message: reply.message ?? `Error ${reply.status}`, type: reply.status === 429 ? "rate_limit_exceeded" : "server_error", code: null } }));
    return;
  }
  if (reply.kind === "raw") {
    res.writeHead(reply.status, { "Content-Type": "application/json", ...reply.headers }).end(reply.body);
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
              id: `call_${++counter}`,
              type: "function",
              function: { name: reply.name, arguments: typeof reply.arguments === "string" ? reply.arguments : JSON.stringify(reply.arguments) },
            },
          ],
        }
      : { role: "assistant", content: reply.content };
  res.writeHead(200, { "Content-Type": "application/json" }).end(
    JSON.stringify({
      id: `chatcmpl-${++counter}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: `${request.model}-2026-01-01`,
      choices: [{ index: 0, message, finish_reason: reply.kind === "tool" ? "tool_calls" : "stop", logprobs: null }],
      usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
    }),
  );
}
