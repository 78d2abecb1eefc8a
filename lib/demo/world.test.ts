import { describe, expect, it } from "vitest";
import { DEMO_EVENTS, generateDemoTraces, type DemoTrace } from "./world";
import { parseNativeBatch } from "@/lib/ingest/validate-native";

const options = { days: 30, perDay: 200, end: new Date("2026-11-28T00:00:00Z"), seed: 7 };
const traces: DemoTrace[] = [...generateDemoTraces(options)];
const dayOf = (t: DemoTrace) => Math.floor((Date.parse(t.timestamp) - (options.end.getTime() - 30 * 86_400_000)) / 86_400_000) + 1;
const onDays = (from: number, to: number) => traces.filter((t) => dayOf(t) >= from && dayOf(t) <= to);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("demo world", () => {
  it("is deterministic and sized days × perDay", () => {
    expect(traces).toHaveLength(6000);
    const again = [...generateDemoTraces(options)];
    expect(again[1234]).toEqual(traces[1234]);
  });

  it("passes the native ingest validation unchanged", () => {
    const parsed = parseNativeBatch({ traces: traces.slice(0, 1000) }, { now: () => options.end.getTime() });
    expect(parsed.items.filter((i) => i.errors).map((i) => i.errors)).toEqual([]);
  });

  it("has the launch topic only from the topic-shift day, growing", () => {
    const share = (from: number, to: number) => {
      const window = onDays(from, to);
      return window.filter((t) => t.tags.includes("product-launch")).length / window.length;
    };
    expect(share(1, DEMO_EVENTS.topicShiftDay - 1)).toBe(0);
    expect(share(DEMO_EVENTS.topicShiftDay, DEMO_EVENTS.topicShiftDay + 2)).toBeGreaterThan(0.01);
    expect(share(28, 30)).toBeGreaterThan(0.2);
  });

  it("changes gpt-4o's version on the version-change day: slower, longer, more refusals", () => {
    const gpt = (from: number, to: number) => onDays(from, to).filter((t) => t.model === "gpt-4o" && t.status === "ok");
    const before = gpt(1, DEMO_EVENTS.versionChangeDay - 1);
    const after = gpt(DEMO_EVENTS.versionChangeDay, DEMO_EVENTS.versionChangeDay + 5);
    expect(new Set(before.map((t) => t.modelVersion))).toEqual(new Set(["gpt-4o-2024-08-06"]));
    expect(new Set(after.map((t) => t.modelVersion))).toEqual(new Set(["gpt-4o-2024-11-20"]));
    expect(mean(after.map((t) => t.latencyMs)) / mean(before.map((t) => t.latencyMs))).toBeGreaterThan(1.4);
    expect(mean(after.map((t) => t.outputTokens)) / mean(before.map((t) => t.outputTokens))).toBeGreaterThan(1.4);
    const refusals = (xs: DemoTrace[]) => xs.filter((t) => t.response?.startsWith("I'm sorry, but I can't")).length / xs.length;
    expect(refusals(after)).toBeGreaterThan(refusals(before) + 0.03);
  });

  it("moves cheap traffic to gemini on the router-change day and drops SQL quality only", () => {
    const gemini = (from: number, to: number) => onDays(from, to).filter((t) => t.model === "gemini-2.0-flash").length / onDays(from, to).length;
    expect(gemini(DEMO_EVENTS.routerChangeDay, 30)).toBeGreaterThan(3 * gemini(1, DEMO_EVENTS.routerChangeDay - 1));
    const quality = (from: number, to: number, tag: string) =>
      mean(onDays(from, to).filter((t) => t.tags[0] === tag && t.scores["judge.helpfulness"] !== undefined).map((t) => t.scores["judge.helpfulness"]!));
    const sqlDrop = quality(11, DEMO_EVENTS.routerChangeDay - 1, "sql-help") - quality(DEMO_EVENTS.routerChangeDay, 30, "sql-help");
    const billingDrop = quality(11, DEMO_EVENTS.routerChangeDay - 1, "billing") - quality(DEMO_EVENTS.routerChangeDay, 30, "billing");
    expect(sqlDrop).toBeGreaterThan(0.08);
    expect(Math.abs(billingDrop)).toBeLessThan(0.04);
  });

  it("keeps the quiet days quiet", () => {
    const [from, to] = DEMO_EVENTS.quietDays;
    const byDay = (day: number) => onDays(day, day);
    const p = (day: number, model: string) => byDay(day).filter((t) => t.model === model).length / byDay(day).length;
    for (let day = from; day <= to; day++) {
      expect(byDay(day).some((t) => t.tags.includes("product-launch"))).toBe(false);
      expect(byDay(day).every((t) => t.model !== "gpt-4o" || t.modelVersion === "gpt-4o-2024-08-06")).toBe(true);
      expect(p(day, "gemini-2.0-flash")).toBeLessThan(0.1);
    }
  });
});
