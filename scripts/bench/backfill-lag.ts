/**
 * `npx tsx scripts/bench/backfill-lag.ts` — how long the event loop of a process on the embedded database
 * (PGlite) is held while the demo's 8 monitors backfill 30 daily windows each: a 10 ms timer's lateness,
 * p50/p95/p99/max. A web server in the same process answers no request while the loop is held.
 */
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { eq } from "drizzle-orm";
import { monitors } from "@/db/schema";
import { createDemoMonitors } from "@/lib/demo/default-monitors";
import { writeDemoWorld } from "@/lib/demo/write-world";
import { createEmbedder } from "@/lib/embeddings";
import { drainEmbeddingBacklog } from "@/lib/jobs/embed";
import { backfillMonitor } from "@/lib/jobs/monitor-schedule";

const handle = await openDatabase({ dataDir: "memory://" });
await runMigrations(handle);
const END = new Date("2026-12-01T00:00:00Z");
const { projectId } = await writeDemoWorld(handle, { days: 30, perDay: 200, end: END });
const embedder = await createEmbedder({ worker: false, env: { EMBEDDING_MODEL: "driftline-glove-100d" } });
await drainEmbeddingBacklog(handle, embedder, { batchSize: 256 });
await embedder.close();
await createDemoMonitors(handle.db, projectId, new Date(END.getTime() - 30 * 86_400_000));
const lags: number[] = [];
let last = performance.now();
const timer = setInterval(() => { const now = performance.now(); lags.push(now - last - 10); last = now; }, 10);
const t0 = Date.now();
for (const m of await handle.db.select().from(monitors).where(eq(monitors.projectId, projectId))) {
  const t = Date.now();
  const r = await backfillMonitor(handle, m, { now: new Date(END.getTime() + 60_000) });
  console.log(m.name, r.written, "windows", Date.now() - t, "ms");
}
clearInterval(timer);
lags.sort((a, b) => a - b);
const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))]!.toFixed(0);
console.log(`backfill ${Date.now() - t0} ms; event-loop lag p50 ${q(0.5)} ms, p95 ${q(0.95)}, p99 ${q(0.99)}, max ${q(1)} ms over ${lags.length} ticks`);
await handle.close();
