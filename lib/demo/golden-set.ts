import { answerFor, INTENTS } from "./world";

type GoldenItem = { input: string; expectedOutput: string; metadata: Record<string, unknown> };

/**
 * The demo's golden set: every question template of the support assistant's
 * topics, once with each value of its slots (the k-th value of every slot
 * together), and the answer the world gives to it (world.ts `answerFor`).
 * Small talk has no right answer and is left out. The phrasings cover the
 * questions as a team's curated set would: with the first slot value only,
 * 41% of the demo's SQL questions reached the match threshold (0.9 cosine of
 * the bundled embedder), with every value 55% — so the cheap model's poor SQL
 * answers of the router change get golden scores. Live prompts still differ in
 * greetings, typos and case, so most matches are by embedding, not text.
 */
export function demoGoldenItems(): GoldenItem[] {
  const items: GoldenItem[] = [];
  for (const [topic, intent] of Object.entries(INTENTS)) {
    if (topic === "small-talk") continue;
    intent.templates.forEach((template, i) => {
      const slots = [...template.matchAll(/\{(\w+)\}/g)].map((m) => intent.slots[m[1]!] ?? [m[1]!]);
      const phrasings = Math.max(1, ...slots.map((values) => values.length));
      const seen = new Set<string>();
      for (let k = 0; k < phrasings; k++) {
        const input = template.replace(/\{(\w+)\}/g, (_, slot: string) => {
          const values = intent.slots[slot] ?? [slot];
          return values[k % values.length]!;
        });
        if (seen.has(input)) continue;
        seen.add(input);
        items.push({ input, expectedOutput: answerFor(intent, i), metadata: { topic } });
      }
    });
  }
  return items;
}
