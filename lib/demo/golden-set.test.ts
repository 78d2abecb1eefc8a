import { describe, expect, it } from "vitest";
import { demoGoldenItems } from "./golden-set";
import { answerFor, INTENTS } from "./world";

describe("demo golden set", () => {
  const items = demoGoldenItems();

  it("phrases every question template once with each value of its slots, with the answer the world gives to it", () => {
    const sql = INTENTS["sql-help"]!;
    const joins = items.filter((i) => i.input.startsWith("Write a SQL query that joins"));
    // The template's slots have four values each: four phrasings, the k-th value of every slot together.
    expect(joins.map((i) => i.input)).toEqual(sql.slots.a!.map((a, k) => `Write a SQL query that joins ${a} and ${sql.slots.b![k]} by ${sql.slots.key![k]}`));
    for (const item of joins) expect(item.expectedOutput).toBe(answerFor(sql, 0));
    // A template without slots is one item.
    expect(items.filter((i) => i.input === "How do I find duplicate emails in a users table?")).toHaveLength(1);
  });

  it("leaves out small talk and repeats no question", () => {
    expect(new Set(items.map((i) => i.metadata.topic))).not.toContain("small-talk");
    expect(new Set(items.map((i) => i.input)).size).toBe(items.length);
    expect(items.every((i) => !/[{}]/.test(i.input))).toBe(true);
  });
});
