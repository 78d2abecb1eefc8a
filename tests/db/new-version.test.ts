import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { versionChangeTask } from "@/lib/jobs/monitors";
import { startRunner } from "@/lib/jobs/runner";
import { detectNewVersions } from "@/lib/jobs/new-versions";
import { listVersionChanges } from "@/lib/queries/monitors-version-changes";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { minimalTrace } from "../../testing/fixtures/trace";
import { dbTargets } from "./targets";

let serial = 0;
/** Traces of one version, `n` of them over the `spanMs` before `end`; no texts, so nothing waits for embeddings. */
function traces(model: string, version: string, n: number, end: number, spanMs: number, latencyMs: number) {
  return Array.from({ length: n }, (_, i) =>
    minimalTrace(`t${serial++}`, {
      timestamp: new Date(end - spanMs + ((i + 0.5) * spanMs) / n),
      provider: "openai",
      model,
      modelVersion: version,
      prompt: null,
      response: null,
      latencyMs: latencyMs * (0.8 + 0.4 * ((i * 7919) % 101) / 100),
    }),
  );
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A provider's silent update is reported within a minute of its first traces:
 * ingest records the first trace of a version never seen, and the
 * version-change task (every 10 s, as the server runs it) records the switch
 * `pending` at once and compares it as soon as the new version has enough
 * traces.
 */
describe.each(dbTargets())("a new model version within a minute on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let projectId: string;

  beforeAll(async () => {
    handle = await target.open();
    const [p] = await handle.db.insert(projects).values({ slug: "versions", name: "versions" }).returning();
    projectId = p!.id;
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it("reports the switch (pending) within 60 s, then its comparison within 60 s of enough traces", async () => {
    await recordTraces(handle.db, { projectId, traces: traces("gpt-4o", "gpt-4o-v1", 120, Date.now() - 60_000, 2 * 3_600_000, 800) });
    const runner = startRunner(handle, [versionChangeTask()], () => {});
    try {
      // The runner's first pass (after 1 s) settles the first version: a new pair, nothing to report.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await listVersionChanges(handle.db, projectId)).toHaveLength(0);

      const seen = Date.now();
      await recordTraces(handle.db, { projectId, traces: traces("gpt-4o", "gpt-4o-v2", 5, Date.now(), 30_000, 1600) });
      const pending = await waitFor(async () => (await listVersionChanges(handle.db, projectId))[0], 60_000);
      const reportedMs = Date.now() - seen;
      console.log(`${target.name}: new version reported ${reportedMs} ms after its first traces were stored`);
      expect(reportedMs).toBeLessThan(60_000);
      expect(pending).toMatchObject({ provider: "openai", model: "gpt-4o", fromVersion: "gpt-4o-v1", toVersion: "gpt-4o-v2", status: "pending" });

      const enough = Date.now();
      await recordTraces(handle.db, { projectId, traces: traces("gpt-4o", "gpt-4o-v2", 60, Date.now(), 20_000, 1600) });
      const compared = await waitFor(async () => {
        const [c] = await listVersionChanges(handle.db, projectId);
        return c && c.status !== "pending" ? c : undefined;
      }, 60_000);
      const comparedMs = Date.now() - enough;
      console.log(`${target.name}: compared ${comparedMs} ms after the 50th trace of the new version`);
      expect(comparedMs).toBeLessThan(60_000);
      expect(compared.status).toBe("regression"); // twice the latency
      expect(await listVersionChanges(handle.db, projectId)).toHaveLength(1);
    } finally {
      await runner.stop();
    }
  }, 180_000);

  it("an A/B split of two versions is not a switch", async () => {
    const now = Date.now();
    await recordTraces(handle.db, { projectId, traces: traces("gpt-4o-mini", "mini-a", 100, now - 600_000, 3_600_000, 300) });
    await detectNewVersions(handle);
    const split = [...traces("gpt-4o-mini", "mini-a", 20, now, 300_000, 300), ...traces("gpt-4o-mini", "mini-b", 20, now, 300_000, 300)];
    await recordTraces(handle.db, { projectId, traces: split });
    const { checked, recorded } = await detectNewVersions(handle);
    expect(checked).toBe(1);
    expect(recorded).toBe(0);
    expect((await listVersionChanges(handle.db, projectId, { model: "gpt-4o-mini" })).length).toBe(0);
    // Still watched (not settled) while it might yet take over.
    const [row] = await handle.query<{ settled: boolean }>("select settled from model_versions_seen where project_id = $1 and model_version = 'mini-b'", [projectId]);
    expect(row!.settled).toBe(false);
  });
});
