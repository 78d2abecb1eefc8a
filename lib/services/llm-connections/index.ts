import { isUniqueViolation } from "@/lib/services/unique-violation";
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { evaluators, llmConnections, type LlmConnectionRow } from "@/db/schema";
import { callChatCompletion, ChatCallError, type LlmEndpoint, type Transport } from "@/lib/evals/judge/chat-client";
import { guardedTransport, privateLlmAllowed } from "@/lib/evals/judge/transport";
import { webhookTargetProblem } from "@/lib/net/address-guard";
import { SECRET_KEY_VARIABLE, SecretKeyMissingError, SecretUnreadableError, serverSecretBox, type SecretBox } from "@/lib/secret-box";
import { authorize, type ServiceContext } from "@/lib/services/context";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";

/**
 * LLM connections: the OpenAI-compatible endpoints a project's judges call.
 * The API key and the extra headers are sealed with the server's secret box
 * before they are stored and are never answered back: a connection is shown
 * with its key's last four characters and its header names only. A base URL
 * on an internal address is refused unless DRIFTLINE_ALLOW_PRIVATE_LLM=1,
 * here and again at every call (lib/evals/judge/transport.ts).
 */

export const MAX_LLM_CONNECTIONS = 50;
export const MAX_HEADERS = 20;

export type LlmConnectionView = {
  id: string;
  name: string;
  baseUrl: string;
  model: string;
  hasApiKey: boolean;
  /** The key's last four characters (null when there is no key or it is shorter than 12 characters). */
  apiKeyLast4: string | null;
  headerNames: string[];
  inputPerMillion: number | null;
  outputPerMillion: number | null;
  createdAt: string;
  updatedAt: string;
};

/** A connection ready to call: its key and headers opened. Never answer it to a client. */
export type OpenedLlmConnection = {
  id: string;
  name: string;
  endpoint: LlmEndpoint;
  prices: { inputPerMillion: number; outputPerMillion: number } | null;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const RESERVED_HEADERS = new Set(["host", "content-length", "content-type", "transfer-encoding", "connection"]);

const perMillion = z
  .number("must be a number (USD per million tokens)")
  .refine(Number.isFinite, "must be a finite number")
  .refine((v) => v >= 0 && v <= 1_000_000, "must be between 0 and 1000000 (USD per million tokens)");

const fields = {
  name: z.string("must be a string").trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  baseUrl: z
    .string("must be a string (e.g. https://api.openai.com/v1)")
    .trim()
    .max(2048, "must be at most 2048 characters")
    .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), "must be an http(s) URL (e.g. https://api.openai.com/v1)"),
  model: z.string("must be a string").trim().min(1, "must not be empty").max(256, "must be at most 256 characters"),
  apiKey: z.string("must be a string, or null for none").min(1, "must not be empty (send null for none)").max(4096, "must be at most 4096 characters").nullable(),
  headers: z
    .record(
      z.string().regex(HEADER_NAME, "must be an HTTP header name").refine((n) => !RESERVED_HEADERS.has(n.toLowerCase()), "is set by the server"),
      z.string("must be a string").max(4096, "must be at most 4096 characters").refine((v) => !/[\r\n\0]/.test(v), "must not contain line breaks"),
    )
    .refine((h) => Object.keys(h).length <= MAX_HEADERS, `must hold at most ${MAX_HEADERS} headers`)
    .nullable(),
  inputPerMillion: perMillion.nullable(),
  outputPerMillion: perMillion.nullable(),
};

const CreateInput = z.strictObject({
  name: fields.name,
  baseUrl: fields.baseUrl,
  model: fields.model,
  apiKey: fields.apiKey.optional(),
  headers: fields.headers.optional(),
  inputPerMillion: fields.inputPerMillion.optional(),
  outputPerMillion: fields.outputPerMillion.optional(),
});

const UpdateInput = CreateInput.partial();

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    parsed.error.issues.flatMap((i) =>
      i.code === "unrecognized_keys"
        ? i.keys.map((key) => ({ path: [...i.path, key].map(String).join("."), message: "unknown field" }))
        : [{ path: i.path.map(String).join(".") || "body", message: i.message }],
    ),
  );
}

function box(path: string): SecretBox {
  try {
    return serverSecretBox();
  } catch (error) {
    if (error instanceof SecretKeyMissingError) {
      throw new ValidationError([{ path, message: `cannot be stored: the server has no ${SECRET_KEY_VARIABLE} (see README, Configuration)` }], `${SECRET_KEY_VARIABLE} is not set`);
    }
    throw new ValidationError([{ path, message: `cannot be stored: ${(error as Error).message}` }]);
  }
}

async function checkBaseUrl(baseUrl: string): Promise<void> {
  const problem = await webhookTargetProblem(baseUrl, { allowPrivate: privateLlmAllowed() });
  if (problem) throw new ValidationError([{ path: "baseUrl", message: problem.replace("DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS", "DRIFTLINE_ALLOW_PRIVATE_LLM") }]);
}

function sealKey(apiKey: string | null | undefined): { apiKeySealed: string | null; apiKeyLast4: string | null } | undefined {
  if (apiKey === undefined) return undefined;
  if (apiKey === null) return { apiKeySealed: null, apiKeyLast4: null };
  return { apiKeySealed: box("apiKey").seal(apiKey), apiKeyLast4: apiKey.length >= 12 ? apiKey.slice(-4) : null };
}

function sealHeaders(headers: Record<string, string> | null | undefined): { headersSealed: string | null; headerNames: string[] } | undefined {
  if (headers === undefined) return undefined;
  if (headers === null || Object.keys(headers).length === 0) return { headersSealed: null, headerNames: [] };
  return { headersSealed: box("headers").seal(JSON.stringify(headers)), headerNames: Object.keys(headers).sort() };
}

export function connectionView(row: LlmConnectionRow): LlmConnectionView {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.baseUrl,
    model: row.model,
    hasApiKey: row.apiKeySealed !== null,
    apiKeyLast4: row.apiKeyLast4,
    headerNames: row.headerNames,
    inputPerMillion: row.inputPerMillion,
    outputPerMillion: row.outputPerMillion,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}


export async function listLlmConnections(db: Database, projectId: string): Promise<LlmConnectionView[]> {
  const rows = await db.select().from(llmConnections).where(eq(llmConnections.projectId, projectId)).orderBy(asc(llmConnections.name)).limit(MAX_LLM_CONNECTIONS);
  return rows.map(connectionView);
}

async function findRow(db: Database, projectId: string, id: string): Promise<LlmConnectionRow> {
  if (!UUID.test(id)) throw new NotFoundError("LLM connection");
  const [row] = await db.select().from(llmConnections).where(and(eq(llmConnections.projectId, projectId), eq(llmConnections.id, id)));
  if (!row) throw new NotFoundError("LLM connection");
  return row;
}

export async function getLlmConnection(db: Database, projectId: string, id: string): Promise<LlmConnectionView> {
  return connectionView(await findRow(db, projectId, id));
}

export async function createLlmConnection({ ctx, input }: { ctx: ServiceContext; input: { projectId: string; body: unknown } }): Promise<LlmConnectionView> {
  authorize(ctx.actor, "llm.write");
  const data = parse(CreateInput, input.body);
  await checkBaseUrl(data.baseUrl);
  const key = sealKey(data.apiKey);
  const headers = sealHeaders(data.headers);
  const [count] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(llmConnections).where(eq(llmConnections.projectId, input.projectId));
  if (Number(count?.n ?? 0) >= MAX_LLM_CONNECTIONS) {
    throw new ValidationError([{ path: "name", message: `a project may hold at most ${MAX_LLM_CONNECTIONS} LLM connections; remove one first` }]);
  }
  try {
    const [row] = await ctx.db
      .insert(llmConnections)
      .values({
        projectId: input.projectId,
        name: data.name,
        baseUrl: data.baseUrl,
        model: data.model,
        ...(key ?? {}),
        ...(headers ?? {}),
        inputPerMillion: data.inputPerMillion ?? null,
        outputPerMillion: data.outputPerMillion ?? null,
      })
      .returning();
    return connectionView(row!);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("An LLM connection with this name already exists in the project");
    throw error;
  }
}

/** Changes the given fields; `apiKey`/`headers` null removes them, omitted keeps them. */
export async function updateLlmConnection({ ctx, input }: { ctx: ServiceContext; input: { projectId: string; id: string; body: unknown } }): Promise<LlmConnectionView> {
  authorize(ctx.actor, "llm.write");
  await findRow(ctx.db, input.projectId, input.id);
  const data = parse(UpdateInput, input.body);
  if (data.baseUrl !== undefined) await checkBaseUrl(data.baseUrl);
  const set = {
    ...(data.name !== undefined ? { name: data.name } : {}),
    ...(data.baseUrl !== undefined ? { baseUrl: data.baseUrl } : {}),
    ...(data.model !== undefined ? { model: data.model } : {}),
    ...(sealKey(data.apiKey) ?? {}),
    ...(sealHeaders(data.headers) ?? {}),
    ...(data.inputPerMillion !== undefined ? { inputPerMillion: data.inputPerMillion } : {}),
    ...(data.outputPerMillion !== undefined ? { outputPerMillion: data.outputPerMillion } : {}),
    updatedAt: new Date(),
  };
  try {
    const [row] = await ctx.db
      .update(llmConnections)
      .set(set)
      .where(and(eq(llmConnections.projectId, input.projectId), eq(llmConnections.id, input.id)))
      .returning();
    if (!row) throw new NotFoundError("LLM connection");
    return connectionView(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("An LLM connection with this name already exists in the project");
    throw error;
  }
}

export async function deleteLlmConnection({ ctx, input }: { ctx: ServiceContext; input: { projectId: string; id: string } }): Promise<void> {
  authorize(ctx.actor, "llm.write");
  if (!UUID.test(input.id)) throw new NotFoundError("LLM connection");
  // An llm_judge evaluator that names it would fail every trace: it is changed or deleted first.
  const users = await ctx.db
    .select({ name: evaluators.name })
    .from(evaluators)
    .where(and(eq(evaluators.projectId, input.projectId), eq(evaluators.kind, "llm_judge"), sql`${evaluators.settings}->>'connectionId' = ${input.id}`));
  if (users.length > 0) throw new ConflictError(`The LLM connection is used by the evaluator(s) ${users.map((u) => u.name).join(", ")}: change or delete them first`);
  const deleted = await ctx.db
    .delete(llmConnections)
    .where(and(eq(llmConnections.projectId, input.projectId), eq(llmConnections.id, input.id)))
    .returning({ id: llmConnections.id });
  if (deleted.length === 0) throw new NotFoundError("LLM connection");
}

/**
 * A connection with its secrets opened, for the judge. Throws a
 * ValidationError naming DRIFTLINE_SECRET_KEY when a sealed secret cannot be
 * opened (the variable is unset or was changed).
 */
export async function openLlmConnection(db: Database, projectId: string, id: string): Promise<OpenedLlmConnection> {
  const row = await findRow(db, projectId, id);
  let apiKey: string | null = null;
  let headers: Record<string, string> | null = null;
  if (row.apiKeySealed || row.headersSealed) {
    const secrets = box(row.apiKeySealed ? "apiKey" : "headers");
    try {
      apiKey = row.apiKeySealed ? secrets.open(row.apiKeySealed) : null;
      headers = row.headersSealed ? (JSON.parse(secrets.open(row.headersSealed)) as Record<string, string>) : null;
    } catch (error) {
      if (error instanceof SecretUnreadableError) {
        throw new ValidationError([{ path: row.apiKeySealed ? "apiKey" : "headers", message: `${error.message}; enter it again` }]);
      }
      throw error;
    }
  }
  return {
    id: row.id,
    name: row.name,
    endpoint: { baseUrl: row.baseUrl, model: row.model, apiKey, headers },
    prices:
      row.inputPerMillion !== null && row.outputPerMillion !== null ? { inputPerMillion: row.inputPerMillion, outputPerMillion: row.outputPerMillion } : null,
  };
}

export type ConnectionTestResult =
  | { ok: true; answer: string | null; model: string | null; latencyMs: number; usage: { promptTokens: number | null; completionTokens: number | null } }
  | { ok: false; error: { status: number | null; message: string }; latencyMs: number };

export const TEST_PROMPT = "Reply with the single word OK.";

/**
 * Sends one small request through the connection (no retries, 20 s) and
 * answers what came back: the model's text, or the exact error (the HTTP
 * status and the server's message). Never the key or a header value.
 */
export async function testLlmConnection({
  ctx,
  input,
  transport,
}: {
  ctx: ServiceContext;
  input: { projectId: string; id: string };
  transport?: Transport;
}): Promise<ConnectionTestResult> {
  authorize(ctx.actor, "llm.write");
  const connection = await openLlmConnection(ctx.db, input.projectId, input.id);
  const secrets = [connection.endpoint.apiKey, ...Object.values(connection.endpoint.headers ?? {})].filter((s): s is string => !!s && s.length >= 4);
  const hide = (text: string) => secrets.reduce((t, s) => t.split(s).join("[SECRET]"), text);
  const started = Date.now();
  try {
    const answer = await callChatCompletion(
      connection.endpoint,
      { messages: [{ role: "user", content: TEST_PROMPT }], maxTokens: 16, temperature: 0 },
      { transport: transport ?? guardedTransport(), maxRetries: 0, timeoutMs: 20_000 },
    );
    return {
      ok: true,
      answer: answer.content === null ? null : hide(answer.content).slice(0, 2_000),
      model: answer.model,
      latencyMs: Date.now() - started,
      usage: answer.usage,
    };
  } catch (error) {
    const status = error instanceof ChatCallError ? error.details.status : null;
    return { ok: false, error: { status, message: hide((error as Error).message).slice(0, 2_000) }, latencyMs: Date.now() - started };
  }
}
