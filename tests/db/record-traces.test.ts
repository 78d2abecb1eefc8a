import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { NATIVE_LIMITS } from "@/lib/ingest/native-schema";
import { parseRedactionSetting } from "@/lib/ingest/redact";
import { getTrace } from "@/lib/queries/traces-read";
import { ingestNativeBatch } from "@/lib/services/traces/ingest";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { minimalTrace } from "../../testing/fixtures/trace";
import { dbTargets } from "./targets";

const trace = (externalId: string) => minimalTrace(externalId);

describe.each(dbTargets())("recordTraces on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it("answers accepted for new ids whatever they hold, a leading U+FEFF included", async () => {
    const [project] = await handle.db.insert(projects).values({ slug: "rt", name: "rt" }).returning();
    const ids = ["\uFEFFbom", "\uFEFF", "plain", "🤖 \u202Eabc", "'; drop table traces; --"];
    const first = await recordTraces(handle.db, { projectId: project!.id, traces: [...ids, "plain"].map(trace) });
    expect(first.map((o) => o.status)).toEqual(["accepted", "accepted", "accepted", "accepted", "accepted", "duplicate"]);
    const again = await recordTraces(handle.db, { projectId: project!.id, traces: ids.map(trace) });
    expect(again.every((o) => o.status === "duplicate")).toBe(true);
    const rows = await handle.query<{ n: number }>("select length(external_id) as n from traces where project_id = $1 order by 1", [project!.id]);
    expect(rows.map((r) => Number(r.n))).toEqual([1, 4, 5, 6, 24]);
  });

  it("reads a plain-text prompt back as the same string, even when it looks like JSON", async () => {
    const [project] = await handle.db.insert(projects).values({ slug: "rt-json", name: "rt-json" }).returning();
    const texts = ["{}", "null", "123", '"quoted"', "[1, 2]", "true", '{"a": 1}'];
    await recordTraces(handle.db, {
      projectId: project!.id,
      traces: texts.map((text, i) => ({ ...trace(`json-${i}`), prompt: text, response: [{ role: "assistant", content: text }] })),
    });
    for (const [i, text] of texts.entries()) {
      const view = await getTrace(handle.db, project!.id, `json-${i}`);
      expect(view?.prompt).toBe(text);
      expect(view?.response).toEqual([{ role: "assistant", content: text }]);
    }
  });

  it("stores each id once when batches sharing ids in different orders run at the same time", async () => {
    const [project] = await handle.db.insert(projects).values({ slug: "rt-race", name: "rt-race" }).returning();
    for (let round = 0; round < 10; round++) {
      const ids = Array.from({ length: 20 }, (_, i) => `race-${round}-${i}`);
      const orders = [ids, [...ids].reverse(), [...ids.slice(10), ...ids.slice(0, 10)], [...ids.slice(5).reverse(), ...ids.slice(0, 5)]];
      const outcomes = await Promise.all(orders.map((order) => recordTraces(handle.db, { projectId: project!.id, traces: order.map(trace) })));
      const accepted = outcomes.flat().filter((o) => o.status === "accepted").map((o) => o.externalId);
      expect(accepted.sort()).toEqual([...ids].sort());
    }
  });
});

describe.each(dbTargets())("retrieved contexts on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it("stores a native trace's contexts in the ingest transaction, redacted, and reads them back in order", async () => {
    const [project] = await handle.db.insert(projects).values({ slug: "ctx", name: "ctx" }).returning();
    const ctx = { db: handle.db, projectId: project!.id, redaction: parseRedactionSetting("email") };
    const contexts = [
      { content: "Invoices live under Billing. Contact billing@example.com.", id: "doc-7", source: "kb/billing.md", score: 0.91 },
      { content: "Exports are CSV files." },
    ];
    const result = await ingestNativeBatch(ctx, {
      traces: [
        { id: "with-contexts", prompt: "How do I export invoices?", response: "Billing > Invoices > Export.", contexts },
        { id: "without", prompt: "hi", response: "hello" },
        { id: "too-many", contexts: Array.from({ length: NATIVE_LIMITS.maxContexts + 1 }, () => ({ content: "x" })) },
        { id: "too-long", contexts: [{ content: "x".repeat(NATIVE_LIMITS.maxContextLength + 1) }] },
        { id: "no-content", contexts: [{ id: "a" }] },
      ],
    });
    expect(result.body.items.map((i) => i.status)).toEqual(["accepted", "accepted", "rejected", "rejected", "rejected"]);
    const paths = result.body.items.flatMap((i) => (i.status === "rejected" ? i.errors.map((e) => e.path) : []));
    expect(paths).toEqual(["traces[2].contexts", "traces[3].contexts[0].content", "traces[4].contexts[0].content"]);
    const view = await getTrace(handle.db, project!.id, "with-contexts");
    expect(view?.contexts).toEqual([
      { content: "Invoices live under Billing. Contact [EMAIL].", id: "doc-7", source: "kb/billing.md", score: 0.91 },
      { content: "Exports are CSV files.", id: null, source: null, score: null },
    ]);
    expect((await getTrace(handle.db, project!.id, "without"))?.contexts).toEqual([]);
  });
});
