import { answerFor, INTENTS } from "./world";

/**
 * The demo's golden set: every question template of the support assistant's
 * topics, filled with the first value of each slot, and the answer the world
 * gives to it (world.ts `answerFor`). Small talk has no right answer and is
 * left out. Live prompts differ from these in their slot values, greetings,
 * typos and case, so most traces match an item by embedding, not text.
 */
export function demoGoldenItems(): Array<{ input: string; expectedOutput: string; metadata: Record<string, unknown> }> {
  const items: Array<{ input: string; expectedOutput: string; metadata: Record<string, unknown> }> = [];
  for (const [topic, intent] of Object.entries(INTENTS)) {
    if (topic === "small-talk") continue;
    intent.templates.forEach((template, i) => {
      const input = template.replace(/\{(\w+)\}/g, (_, slot: string) => intent.slots[slot]?.[0] ?? slot);
      items.push({ input, expectedOutput: answerFor(intent, i), metadata: { topic } });
    });
  }
  return items;
}
