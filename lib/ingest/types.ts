/**
 * The shape every ingest protocol (native batch, OTLP GenAI, OpenInference,
 * OpenLLMetry, legacy keys) is normalised into before it is stored. One
 * NormalizedTrace is one LLM call; it maps 1:1 onto a row of `traces` plus
 * its `scores` rows.
 */
export type ChatMessage = {
  role: string;
  content: string;
  /** Tool calls, images, etc. that are not plain text, kept for display. */
  parts?: unknown[];
  name?: string;
};

/** A prompt or a response: plain text, or a chat transcript. */
export type TraceText = string | ChatMessage[];

export type TraceStatus = "ok" | "error";

export type NormalizedTrace = {
  /** The client's id: the idempotency key within a project. Generated when absent. */
  externalId: string;
  /** Start time of the call. */
  timestamp: Date;
  provider: string | null;
  /** The model the client asked for (e.g. "gpt-4o"). */
  model: string | null;
  /** The dated snapshot / fingerprint the provider answered with (e.g. "gpt-4o-2024-08-06"). */
  modelVersion: string | null;
  /** Router decision / route label. */
  route: string | null;
  prompt: TraceText | null;
  response: TraceText | null;
  latencyMs: number | null;
  ttftMs: number | null;
  /** All input tokens, cached ones included (as the OTel GenAI conventions count them). */
  inputTokens: number | null;
  /** All output tokens, reasoning included. */
  outputTokens: number | null;
  /** The part of inputTokens read from the provider's prompt cache. */
  cachedInputTokens?: number | null;
  /** The part of outputTokens spent on reasoning (chain of thought, extended thinking). */
  reasoningTokens?: number | null;
  /** The cost the client sent; when null, ingest prices the call (lib/ingest/pricing.ts). */
  costUsd: number | null;
  status: TraceStatus;
  error: string | null;
  finishReason: string | null;
  userId: string | null;
  sessionId: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  /** The answer the client expected (a reference for evaluators); absent when not sent. */
  expectedOutput?: string | null;
  /** name → value, e.g. { "user_feedback": 1, "judge.helpfulness": 0.8 } */
  scores: Record<string, number>;
  /** The contexts a retriever gave the model (RAG), in retrieval order; absent when none were sent. */
  contexts?: RetrievedContext[];
};

export type RetrievedContext = { content: string; id: string | null; source: string | null; score: number | null };

/** Where a rejected value was and what was wrong with it. */
export type FieldError = { path: string; message: string };

export type ItemOutcome =
  | { index: number; id: string; status: "accepted" }
  | { index: number; id: string; status: "duplicate" }
  | { index: number; id: string | null; status: "rejected"; errors: FieldError[] };
