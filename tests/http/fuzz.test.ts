/**
 * Property-based fuzzing of the ingest front door (issue 9): random and
 * malformed payloads against the production build over real HTTP, on PGlite
 * and (with TEST_DATABASE_URL) PostgreSQL. Every answer is checked against an
 * oracle written from docs/ingest.md, and every outcome against what the
 * database then holds.
 *
 * Runs are bounded and seeded; a failure prints the seed and the shrunk path
 * (`DRIFTLINE_FUZZ_SEED=<seed>` reproduces it). DRIFTLINE_HEAVY_TESTS=1 runs
 * more cases.
 */
import { gzipSync } from "node:zlib";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asReadFrom, Database, expectStored, listAllTraces, readTrace, setRedaction } from "./fuzz-app";
import {
  expectedNativeTrace,
  nativeBatch,
  readableId,
  serialiseBatch,
  type ExpectedTrace,
  type IdChoice,
  type NativeItem,
} from "./fuzz-native";
import { malformedRequest } from "./fuzz-malformed";
import { encodeOtlpJson, encodeOtlpProtobuf, holdsLoneSurrogate, otlpRequest, type OtlpSpanCase } from "./fuzz-otlp";
import { RULES, storedString } from "./fuzz-rules";
import { appTargets, startApp, TEST_KEY, type RunningApp } from "../../testing/app-server";

const HEAVY = process.env.DRIFTLINE_HEAVY_TESTS === "1";
const SEED = Number(process.env.DRIFTLINE_FUZZ_SEED ?? 20_261_128);
const runs = (light: number, heavy: number) => ({ seed: SEED, numRuns: HEAVY ? heavy : light, endOnFailure: true });

const auth = { Authorization: `Bearer ${TEST_KEY}` };
const jsonHeaders = { ...auth, "Content-Type": "application/json" };

type ItemAnswer = { index: number; id: string | null; status: "accepted" | "duplicate" | "rejected"; errors?: Array<{ path: string; message: string }> };
type BatchAnswer = { accepted: number; duplicates: number; rejected: number; items: ItemAnswer[] };

describe.each(appTargets())("fuzzing the ingest front door on %s", (database) => {
  let app: RunningApp;
  let db: Database | null = null;
  /** What the project must hold: external id → the trace the first accepted copy described. */
  const model = new Map<string, ExpectedTrace>();
  /** The ids of stored OTLP spans, for later requests to repeat. */
  const otlpIds: string[] = [];

  beforeAll(async () => {
    app = await startApp({ database, env: { DRIFTLINE_DEMO: "0", DRIFTLINE_JOBS: "off" } });
    await setRedaction(app, "off");
    db = await Database.open(app);
  }, 150_000);
  afterAll(async () => {
    await db?.close();
    await app?.stop();
  });

  const post = (path: string, body: BodyInit, headers: Record<string, string> = jsonHeaders) =>
    fetch(`${app.url}${path}`, { method: "POST", headers, body });

  /** The id an item is sent with, resolved against what earlier batches stored. */
  function idFor(choice: IdChoice): { send?: string | null } {
    switch (choice.kind) {
      case "pool":
      case "fresh":
        return { send: choice.id };
      case "absent":
        return {};
      case "null":
        return { send: null };
      case "earlier": {
        const ids = [...model.keys()];
        return { send: ids.length > 0 ? ids[choice.pick % ids.length] : "dup-a" };
      }
    }
  }

  function wireTrace(item: NativeItem): unknown {
    if (item.kind === "not-a-trace") return item.value;
    const mutatedId = item.kind === "invalid" && item.mutations.some((m) => m.field === "id");
    if (mutatedId) return item.trace;
    const id = idFor(item.id);
    return "send" in id ? { id: id.send, ...item.trace } : { ...item.trace };
  }

  it(
    "answers every native batch as documented and stores exactly the valid items, once",
    async () => {
      await fc.assert(
        fc.asyncProperty(nativeBatch, async (items) => {
          const traces = items.map(wireTrace);
          const sentAt = Date.now();
          const response = await post("/api/v1/traces", serialiseBatch(traces));
          const answeredAt = Date.now();
          const text = await response.text();
          expect(response.status, text.slice(0, 500)).toBeLessThan(500);
          const answer = JSON.parse(text) as BatchAnswer;
          expect(answer.items).toHaveLength(items.length);

          // The oracle: each item's outcome, in order, from the documented rules.
          const seenInBatch = new Set<string>();
          const touched = new Set<string>();
          let rejected = 0;
          const stored: Array<{ id: string; expected: ExpectedTrace }> = [];
          items.forEach((item, index) => {
            const got = answer.items[index]!;
            const sent = traces[index];
            expect(got.index).toBe(index);
            if (item.kind !== "valid") {
              rejected++;
              expect(got.status, `traces[${index}] ${JSON.stringify(sent).slice(0, 300)}`).toBe("rejected");
              const paths = [...new Set(got.errors!.map((e) => e.path))].sort();
              const wanted =
                item.kind === "not-a-trace" ? [`traces[${index}]`] : [...new Set(item.mutations.map((m) => `traces[${index}]${m.path}`))].sort();
              expect(paths, JSON.stringify(got.errors).slice(0, 500)).toEqual(wanted);
              for (const e of got.errors!) expect(e.message).toMatch(/\S/);
              expect(got.id).toBe(readableId(sent));
              const id = readableId(sent);
              if (id) touched.add(id);
              return;
            }
            const sentId = (sent as { id?: unknown }).id;
            if (typeof sentId !== "string") {
              // No id (or null): a generated one, never a duplicate.
              expect(got.status).toBe("accepted");
              expect(got.id).toEqual(expect.any(String));
              expect(model.has(got.id!) || seenInBatch.has(got.id!)).toBe(false);
              stored.push({ id: got.id!, expected: expectedNativeTrace(item.trace, got.id!, item.timestampMs) });
              seenInBatch.add(got.id!);
              touched.add(got.id!);
              return;
            }
            const id = storedString(sentId);
            touched.add(id);
            expect(got.id).toBe(id);
            if (model.has(id) || seenInBatch.has(id)) {
              expect(got.status, `traces[${index}] repeats ${JSON.stringify(id)}`).toBe("duplicate");
            } else {
              expect(got.status, `traces[${index}]: ${JSON.stringify(got.errors)}`).toBe("accepted");
              stored.push({ id, expected: expectedNativeTrace(item.trace, id, item.timestampMs) });
            }
            seenInBatch.add(id);
          });
          expect(response.status).toBe(rejected > 0 ? 207 : 200);
          expect(answer.rejected).toBe(rejected);
          expect(answer.accepted).toBe(stored.length);
          expect(answer.duplicates).toBe(items.length - rejected - stored.length);
          for (const { id, expected } of stored) {
            if (expected.timestampMs === null) expected.receivedWindow = [sentAt, answeredAt];
            model.set(id, expected);
          }

          // The database: every touched id is stored once when the model holds it, and not at all otherwise.
          for (const id of touched) {
            const view = await readTrace(app, id);
            const expected = model.get(id);
            if (expected) expectStored(view, expected, database);
            else expect(view, `rejected ${JSON.stringify(id)} must not be stored`).toBeNull();
          }
          if (db) {
            const counts = await db.counts([...touched]);
            for (const id of touched) expect(counts.get(id) ?? 0, `rows for ${JSON.stringify(id)}`).toBe(model.has(id) ? 1 : 0);
          }
        }),
        runs(150, 900),
      );
    },
    HEAVY ? 240_000 : 120_000,
  );

  it(
    "answers every OTLP request as documented, JSON or protobuf, plain or gzip, and stores each LLM span once",
    async () => {
      await fc.assert(
        fc.asyncProperty(otlpRequest, async (request) => {
          const cases = request.spans.map((c) => ({ ...c }));
          const storable = cases.filter((c) => c.outcome.kind === "stored");
          // A span that an earlier request stored: a duplicate, stored once.
          const duplicates = new Set<OtlpSpanCase>();
          if (request.repeat.earlier !== null && otlpIds.length > 0 && storable.length > 0) {
            const [traceId, spanId] = otlpIds[request.repeat.earlier % otlpIds.length]!.split("-") as [string, string];
            const target = storable[storable.length - 1]!;
            target.span = { ...target.span, traceId, spanId };
            duplicates.add(target);
          }
          // A later copy of a span in the same request, with other content: the first one is kept.
          if (request.repeat.within !== null && storable.length > 1) {
            const first = storable[request.repeat.within % storable.length]!;
            const other = storable.find((c) => c !== first)!;
            const copy = { span: { ...other.span, traceId: first.span.traceId, spanId: first.span.spanId }, outcome: other.outcome };
            duplicates.add(copy);
            cases.push(copy);
          }
          const specs = cases.map((c) => c.span);
          const raw = request.encoding === "json" ? encodeOtlpJson(specs) : encodeOtlpProtobuf(specs);
          const body = request.gzip ? new Uint8Array(gzipSync(raw)) : raw;
          const headers: Record<string, string> = {
            ...auth,
            "Content-Type": request.encoding === "json" ? "application/json" : "application/x-protobuf",
          };
          if (request.gzip) headers["Content-Encoding"] = "gzip";
          const response = await post("/v1/traces", body as BodyInit, headers);
          const bytes = new Uint8Array(await response.arrayBuffer());
          if (request.encoding === "protobuf" && specs.some(holdsLoneSurrogate) && response.status === 400) {
            // The SDK's protobuf writer encodes a lone surrogate in a short string as bytes that are not
            // UTF-8 (longer strings go through Buffer, which writes U+FFFD); protobuf strings must be
            // UTF-8, so such a request is malformed and none of it is stored.
            expect(JSON.parse(new TextDecoder().decode(bytes)).error.message).toMatch(/utf-8/i);
            for (const c of cases) {
              const id = `${c.span.traceId}-${c.span.spanId}`;
              if (!model.has(id)) expect(await readTrace(app, id), `span ${id} must not be stored`).toBeNull();
            }
            return;
          }
          expect(response.status, new TextDecoder().decode(bytes).slice(0, 500)).toBe(200);
          const answer =
            request.encoding === "json"
              ? (JSON.parse(new TextDecoder().decode(bytes)) as { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } })
              : ProtobufTraceSerializer.deserializeResponse(bytes);

          const rejected = cases
            .map((c, i) => ({ c, at: `resourceSpans[0].scopeSpans[0].spans[${i}]` }))
            .filter(({ c }) => c.outcome.kind === "rejected");
          expect(Number(answer.partialSuccess?.rejectedSpans ?? 0), JSON.stringify(answer)).toBe(rejected.length);
          const message = answer.partialSuccess?.errorMessage ?? "";
          if (message.length < 1900) {
            for (const { c, at } of rejected) expect(message).toContain(`${at}${(c.outcome as { path: string }).path}: `);
          }

          const touched = new Set<string>();
          for (const c of cases) {
            const id = `${c.span.traceId}-${c.span.spanId}`;
            touched.add(id);
            if (c.outcome.kind !== "stored" || duplicates.has(c) || model.has(id)) continue;
            const { timestamp, ...fields } = c.outcome.expect;
            model.set(id, {
              externalId: id,
              timestampMs: Date.parse(timestamp as string),
              fields: { ...fields, tags: [] },
              scores: {},
              costUsd: c.outcome.costUsd,
            });
            otlpIds.push(id);
          }
          for (const id of touched) {
            const view = await readTrace(app, id);
            const expected = model.get(id);
            if (expected) {
              expectStored(view, expected, database);
              expect(view!.metadata).toMatchObject({ otel: { traceId: id.split("-")[0], spanId: id.split("-")[1] } });
            } else expect(view, `span ${id} must not be stored`).toBeNull();
          }
          if (db) {
            const counts = await db.counts([...touched]);
            for (const id of touched) expect(counts.get(id) ?? 0, `rows for ${id}`).toBe(model.has(id) ? 1 : 0);
          }
        }),
        runs(100, 500),
      );
    },
    HEAVY ? 240_000 : 120_000,
  );

  it(
    "answers malformed bodies, encodings and content types with a 4xx that says what is wrong, never a 5xx",
    async () => {
      await fc.assert(
        fc.asyncProperty(malformedRequest, async (bad) => {
          const response = await post(bad.path, bad.body as BodyInit, { ...auth, ...bad.headers });
          const text = await response.text();
          expect(response.status, `${bad.name}: ${text.slice(0, 300)}`).toBeLessThan(500);
          expect(bad.statuses, `${bad.name}: ${response.status} ${text.slice(0, 300)}`).toContain(response.status);
          if (response.status >= 400) {
            const error = (JSON.parse(text) as { error: { message: string; details?: Array<{ path: string; message: string }> } }).error;
            expect(error.message).toMatch(/\S/);
            if (bad.detailPath !== undefined) expect(error.details?.map((d) => d.path)).toContain(bad.detailPath);
          }
        }),
        runs(200, 1000),
      );
    },
    HEAVY ? 240_000 : 120_000,
  );

  it(
    "stores a trace once and answers accepted exactly once when batches holding its id race each other",
    async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 4 }),
          async (batches) => {
            const idOf = (k: number) => `race-${round}-${k}`;
            round++;
            const sentAt = Date.now();
            const answers = (await Promise.all(
              batches.map(async (keys, b) => {
                const response = await post("/api/v1/traces", JSON.stringify({ traces: keys.map((k) => ({ id: idOf(k), model: `batch-${b}` })) }));
                expect(response.status).toBe(200);
                return response.json();
              }),
            )) as BatchAnswer[];
            const answeredAt = Date.now();
            const winners = new Map<string, number[]>();
            answers.forEach((answer, b) =>
              answer.items.forEach((item) => {
                expect(["accepted", "duplicate"]).toContain(item.status);
                if (item.status === "accepted") winners.set(item.id!, [...(winners.get(item.id!) ?? []), b]);
              }),
            );
            const ids = [...new Set(batches.flat().map(idOf))];
            for (const id of ids) {
              expect(winners.get(id), `${id} accepted by`).toHaveLength(1);
              const expected = expectedNativeTrace({ model: `batch-${winners.get(id)![0]}` }, id, null);
              expected.receivedWindow = [sentAt, answeredAt];
              expectStored(await readTrace(app, id), expected, database);
              model.set(id, expected);
            }
            if (db) for (const [id, n] of await db.counts(ids)) expect(n, `rows for ${id}`).toBe(1);
          },
        ),
        runs(25, 100),
      );
    },
    HEAVY ? 240_000 : 120_000,
  );

  it("refuses gzip bombs on both doors with 413 without inflating them", async () => {
    // 32 gzip members of 32 MiB of spaces each: 1 GiB inflated from about 1 MiB sent.
    const member = gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20), { level: 9 });
    const bomb = new Uint8Array(Buffer.concat(Array.from({ length: 32 }, () => member)));
    expect(bomb.byteLength).toBeLessThan(RULES.maxBodyBytes / 4);
    for (const [path, type] of [
      ["/api/v1/traces", "application/json"],
      ["/v1/traces", "application/json"],
      ["/v1/traces", "application/x-protobuf"],
    ] as const) {
      const started = Date.now();
      const response = await post(path, bomb, { ...auth, "Content-Type": type, "Content-Encoding": "gzip" });
      expect(response.status, path).toBe(413);
      expect((await response.json()).error.message).toMatch(/larger than/);
      // Inflating 1 GiB takes seconds; stopping at the 10 MiB limit does not.
      expect(Date.now() - started, `${path} answered in`).toBeLessThan(5_000);
    }
    // Just under the limit once inflated is fine.
    const padded = `{"traces": [{"id": "under-the-limit"}]${" ".repeat(RULES.maxBodyBytes - 100)}}`;
    const fits = await post("/api/v1/traces", new Uint8Array(gzipSync(padded)), { ...jsonHeaders, "Content-Encoding": "gzip" });
    expect(fits.status).toBe(200);
    model.set("under-the-limit", { ...expectedNativeTrace({}, "under-the-limit", null), receivedWindow: [Date.now() - 60_000, Date.now()] });
    const plain = await post("/api/v1/traces", new Uint8Array(RULES.maxBodyBytes + 1).fill(0x20));
    expect(plain.status).toBe(413);
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
  }, 60_000);

  it("reads back ids holding percent signs, slashes and other URL syntax", async () => {
    const ids = ["100%", "%s%n", "a%2Fb", "a/b", "?x=1&y#z", "%E0%A4%A", "space here", "+plus+"];
    const response = await post("/api/v1/traces", JSON.stringify({ traces: ids.map((id) => ({ id, model: `url-${id}` })) }));
    expect(response.status).toBe(200);
    for (const id of ids) {
      const view = await readTrace(app, id);
      expect(view?.externalId, id).toBe(id);
      expect(view?.model).toBe(`url-${id}`);
      expect(model.has(id)).toBe(false);
      model.set(id, expectedNativeTrace({ model: `url-${id}` }, id, null));
      model.get(id)!.receivedWindow = [Date.now() - 60_000, Date.now()];
    }
  });

  it("never stores a batch over the documented limits", async () => {
    const many = await post("/api/v1/traces", JSON.stringify({ traces: Array.from({ length: RULES.maxBatchItems + 1 }, (_, i) => ({ id: `limit-${i}` })) }));
    expect(many.status).toBe(413);
    expect((await many.json()).error.message).toContain(String(RULES.maxBatchItems));
    expect(await readTrace(app, "limit-0")).toBeNull();
  });
  it("holds exactly the traces the oracle accepted, each once and as sent", async () => {
    const all = await listAllTraces(app);
    // Each accepted id listed once and nothing else. (On PGlite "\uFEFFa" and "a" both read as "a".)
    const ids = all.map((t) => t.externalId).sort();
    expect(ids).toEqual([...model.keys()].map((id) => asReadFrom(database, id)).sort());
    const byReadId = new Map<string, ExpectedTrace[]>();
    for (const [id, expected] of model) byReadId.set(asReadFrom(database, id), [...(byReadId.get(asReadFrom(database, id)) ?? []), expected]);
    for (const view of all) {
      const candidates = byReadId.get(view.externalId)!;
      if (candidates.length === 1) expectStored(view, candidates[0]!, database);
    }
    if (db) {
      expect(await db.total()).toBe(model.size);
      expect(await db.invalidRows(), "rows breaking a documented limit").toBe(0);
    }
  }, 60_000);
});
