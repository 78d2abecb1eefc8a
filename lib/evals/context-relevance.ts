import type { Embedder } from "../embeddings/embedder";
import { cosine, cosineToUnit } from "./semantic";

/**
 * Context relevance without an LLM: the cosine between the sentence
 * embeddings of the question and of each retrieved context (clamped to
 * [0, 1] as the other semantic metrics are). The score is the mean over the
 * contexts that have a direction; `perContext` keeps each one in retrieval
 * order (null for a context with no token the model knows). Skipped when the
 * question or every context has no known token.
 */
export type ContextRelevance =
  | { value: number; max: number; perContext: Array<number | null> }
  | { skipped: "no_question" | "no_contexts" | "no_known_tokens" };

export async function contextRelevance(embedder: Embedder, question: string | null, contexts: readonly string[]): Promise<ContextRelevance> {
  if (!question?.trim()) return { skipped: "no_question" };
  const texts = contexts.filter((c) => c.trim() !== "");
  if (texts.length === 0) return { skipped: "no_contexts" };
  const batch = await embedder.embedBatch([question, ...texts]);
  if (batch.empty[0]) return { skipped: "no_known_tokens" };
  const q = batch.vectors[0]!;
  const perContext = texts.map((_, i) => {
    if (batch.empty[i + 1]) return null;
    const c = cosine(q, batch.vectors[i + 1]!);
    return c === null ? null : cosineToUnit(c);
  });
  const known = perContext.filter((v): v is number => v !== null);
  if (known.length === 0) return { skipped: "no_known_tokens" };
  return { value: known.reduce((a, b) => a + b, 0) / known.length, max: Math.max(...known), perContext };
}
