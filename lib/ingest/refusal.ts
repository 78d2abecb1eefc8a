/**
 * Whether a response is a refusal. Providers say so outright only sometimes
 * (finish reason `content_filter`, `refusal`, `safety`); otherwise the answer
 * opens with one of the stock phrasings models use to decline. Only the start
 * of the answer is examined, so a helpful answer that later says "I can't
 * guarantee…" is not counted.
 */
const REFUSAL_FINISH_REASONS = new Set(["content_filter", "refusal", "safety", "blocklist", "prohibited_content", "recitation"]);

const REFUSAL_OPENINGS = [
  /^(?:i'?m|i am) (?:so )?sorry,? (?:but )?(?:i|as an ai)/,
  /^(?:i'?m|i am) (?:not able|unable) to (?:help|assist|comply|provide|do that|answer)/,
  /^i (?:can(?:no|')t|cannot|won'?t|will not|must decline to|have to decline to) (?:help|assist|comply|provide|do that|answer|share|fulfil|fulfill|create|write|generate|engage)/,
  /^(?:sorry|apologies),? (?:but )?i (?:can(?:no|')t|cannot|won'?t|am unable|'m unable)/,
  /^as an ai(?: language model)?,? i (?:can(?:no|')t|cannot|don'?t|am not able)/,
  /^i(?:'m| am) afraid i (?:can(?:no|')t|cannot)/,
  /^unfortunately,? i (?:can(?:no|')t|cannot|am unable|'m unable)/,
];

export function isRefusal(responseText: string | null, finishReason: string | null): boolean {
  if (finishReason && REFUSAL_FINISH_REASONS.has(finishReason.toLowerCase())) return true;
  if (!responseText) return false;
  const opening = responseText.trim().slice(0, 200).toLowerCase().replace(/[’‘]/g, "'");
  return REFUSAL_OPENINGS.some((pattern) => pattern.test(opening));
}
