/**
 * One call to an OpenAI-compatible chat-completions endpoint (a hosted
 * provider, a gateway, Ollama, vLLM, llama.cpp): POST `<baseUrl>/chat/completions`.
 * Retries what a retry can fix — 408, 409, 429 and 5xx, and a dropped
 * connection — with exponential backoff, honouring the server's
 * `Retry-After` / `retry-after-ms`; a timeout bounds each attempt. The API
 * key is sent and never kept in an error, a log line or the raw answer.
 */

export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

export type ChatTool = {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
};

export type ChatRequest = {
  messages: ChatMessage[];
  tools?: ChatTool[];
  toolChoice?: { type: "function"; function: { name: string } };
  temperature?: number;
  maxTokens?: number;
};

export type LlmEndpoint = {
  baseUrl: string;
  model: string;
  apiKey?: string | null;
  headers?: Record<string, string> | null;
};

export type ChatUsage = { promptTokens: number | null; completionTokens: number | null };

export type ChatAnswer = {
  /** The assistant message's text, if any. */
  content: string | null;
  toolCalls: Array<{ name: string; arguments: string }>;
  usage: ChatUsage;
  /** The model the server says answered. */
  model: string | null;
  /** The response body as received (for debugging a judge that answers garbage). */
  raw: string;
  attempts: number;
};

/** What actually moves bytes: the guarded node:http transport in production, anything fetch-like in tests. */
export type Transport = (
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: string; timeoutMs: number },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text: string }>;

export type ChatCallOptions = {
  transport: Transport;
  timeoutMs?: number;
  /** Retries after the first attempt. */
  maxRetries?: number;
  /** Longest wait a `Retry-After` may ask for before the call gives up instead. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
};

export class ChatCallError extends Error {
  constructor(
    message: string,
    readonly details: {
      status: number | null;
      retryable: boolean;
      attempts: number;
      /** The server's error body, cut short; never contains our key. */
      body?: string;
      retryAfterMs?: number | null;
    },
  ) {
    super(message);
    this.name = "ChatCallError";
  }
}

const RETRYABLE_STATUS = new Set([408, 409, 429]);
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `Retry-After` (seconds or an HTTP date) or OpenAI's `retry-after-ms`, in ms; null when absent or unreadable. */
export function retryAfterMs(headers: { get(name: string): string | null }, now = Date.now()): number | null {
  const ms = headers.get("retry-after-ms");
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = headers.get("retry-after")?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** 0.5 s, 1 s, 2 s, … capped at 8 s, with ±25 % jitter so many workers do not retry in step. */
export function backoffMs(retry: number, random = Math.random): number {
  const base = Math.min(8_000, 500 * 2 ** retry);
  return Math.round(base * (0.75 + random() * 0.5));
}

export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
}

function redact(text: string, secret: string | null | undefined): string {
  return secret ? text.split(secret).join("[API KEY]") : text;
}

export async function callChatCompletion(endpoint: LlmEndpoint, request: ChatRequest, options: ChatCallOptions): Promise<ChatAnswer> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxRetries = options.maxRetries ?? 3;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const sleep = options.sleep ?? defaultSleep;
  const headers: Record<string, string> = {
    ...(endpoint.headers ?? {}),
    "Content-Type": "application/json",
    Accept: "application/json",
    "User-Agent": "Driftline-Judge/1",
  };
  if (endpoint.apiKey) headers.Authorization = `Bearer ${endpoint.apiKey}`;
  const body = JSON.stringify({
    model: endpoint.model,
    messages: request.messages,
    ...(request.tools ? { tools: request.tools } : {}),
    ...(request.toolChoice ? { tool_choice: request.toolChoice } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    stream: false,
  });
  const url = chatCompletionsUrl(endpoint.baseUrl);
  for (let attempt = 1; ; attempt++) {
    let failure: ChatCallError;
    try {
      const response = await options.transport(url, { method: "POST", headers, body, timeoutMs });
      if (response.status >= 200 && response.status < 300) return parseAnswer(response.text, attempt, endpoint.apiKey);
      const retryable = RETRYABLE_STATUS.has(response.status) || response.status >= 500;
      const text = redact(response.text.slice(0, 2_000), endpoint.apiKey);
      failure = new ChatCallError(`HTTP ${response.status}${errorMessage(text)}`, {
        status: response.status,
        retryable,
        attempts: attempt,
        body: text,
        retryAfterMs: retryAfterMs(response.headers),
      });
    } catch (error) {
      if (error instanceof ChatCallError) throw error;
      const e = error as NodeJS.ErrnoException & { permanent?: boolean };
      const timedOut = e.name === "TimeoutError" || e.code === "ETIMEDOUT";
      failure = new ChatCallError(
        timedOut ? `no answer within ${timeoutMs} ms` : redact(`${e.code ? `${e.code}: ` : ""}${e.message}`, endpoint.apiKey),
        { status: null, retryable: !e.permanent, attempts: attempt },
      );
    }
    if (!failure.details.retryable || attempt > maxRetries) throw failure;
    const asked = failure.details.retryAfterMs ?? null;
    if (asked !== null && asked > maxRetryAfterMs) throw failure;
    await sleep(asked ?? backoffMs(attempt - 1));
  }
}

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === "string" ? parsed.error : (parsed.error?.message ?? parsed.message);
    return typeof message === "string" && message ? `: ${message.slice(0, 300)}` : "";
  } catch {
    return body ? `: ${body.slice(0, 200)}` : "";
  }
}

function parseAnswer(raw: string, attempts: number, apiKey: string | null | undefined): ChatAnswer {
  const safe = redact(raw, apiKey);
  let parsed: {
    model?: unknown;
    choices?: Array<{ message?: { content?: unknown; tool_calls?: Array<{ function?: { name?: unknown; arguments?: unknown } }> } }>;
    usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
  };
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ChatCallError("the answer is not JSON", { status: 200, retryable: false, attempts, body: safe.slice(0, 2_000) });
  }
  const message = parsed?.choices?.[0]?.message;
  if (!message) {
    throw new ChatCallError("the answer has no choices[0].message", { status: 200, retryable: false, attempts, body: safe.slice(0, 2_000) });
  }
  const count = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);
  return {
    content: typeof message.content === "string" ? message.content : null,
    toolCalls: (message.tool_calls ?? []).flatMap((call) =>
      typeof call.function?.name === "string"
        ? [{ name: call.function.name, arguments: typeof call.function.arguments === "string" ? call.function.arguments : JSON.stringify(call.function.arguments ?? {}) }]
        : [],
    ),
    usage: { promptTokens: count(parsed.usage?.prompt_tokens), completionTokens: count(parsed.usage?.completion_tokens) },
    model: typeof parsed.model === "string" ? parsed.model : null,
    raw: safe,
    attempts,
  };
}
