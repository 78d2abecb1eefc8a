/**
 * Runs the monitors' heavy statistics (compute-tasks.ts) in one worker thread
 * shared by the process, so the event loop keeps serving requests while a
 * backfill computes its windows. Requests queue in the worker and are
 * answered in order; a worker that dies fails its pending calls and is
 * replaced on the next one. `DRIFTLINE_STATS_THREAD=off` (or a missing worker
 * script) computes in-process instead.
 */
import { Worker } from "node:worker_threads";
import { findWorkerScript } from "@/lib/worker-script";
import { computeTasks, type ComputeTask, type ComputeTasks } from "./compute-tasks";

const WORKER_FILE = "compute-worker.mjs";

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Reply = { ready: true } | { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

/** The worker script (see findWorkerScript), or null when it is missing. */
export function computeWorkerPath(): string | null {
  return findWorkerScript(import.meta.url, "lib/monitors", WORKER_FILE).path;
}

/** The worker could not load its computations: this process computes in-process from then on. */
class StatisticsThreadUnavailable extends Error {}

class StatisticsThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private ready = false;
  dead: Error | null = null;

  constructor(script: string) {
    this.worker = new Worker(script);
    this.worker.unref();
    this.worker.on("message", (reply: Reply) => {
      if ("ready" in reply) {
        this.ready = true;
        return;
      }
      const call = this.pending.get(reply.id);
      if (!call) return;
      this.pending.delete(reply.id);
      if (reply.ok) call.resolve(reply.result);
      else call.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name, stack: reply.error.stack }));
    });
    const fail = (cause: Error) => {
      const error = this.ready ? cause : new StatisticsThreadUnavailable(`the statistics worker did not start: ${cause.message}`);
      this.dead ??= error;
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`the statistics worker exited (code ${code})`)));
  }

  run(task: ComputeTask, args: unknown[]): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolvePromise, reject) => {
      this.pending.set(id, { resolve: resolvePromise, reject });
      if (this.pending.size === 1) this.worker.ref(); // keep the process alive while work is outstanding
      this.worker.postMessage({ id, task, args });
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

type Global = typeof globalThis & {
  __driftlineStatisticsThread?: StatisticsThread | null;
  __driftlineStatisticsWarned?: boolean;
  __driftlineStatisticsInProcess?: boolean;
};

function warnOnce(message: string): void {
  const store = globalThis as Global;
  if (store.__driftlineStatisticsWarned) return;
  store.__driftlineStatisticsWarned = true;
  console.warn(`[driftline] ${message}: monitor statistics run on the main thread.`);
}

function thread(): StatisticsThread | null {
  if ((process.env.DRIFTLINE_STATS_THREAD ?? "").toLowerCase() === "off") return null;
  const store = globalThis as Global;
  if (store.__driftlineStatisticsInProcess) return null;
  const current = store.__driftlineStatisticsThread;
  if (current && !current.dead) return current;
  const script = computeWorkerPath();
  if (!script) {
    warnOnce(`statistics worker script ${WORKER_FILE} not found`);
    return null;
  }
  store.__driftlineStatisticsThread = new StatisticsThread(script);
  return store.__driftlineStatisticsThread;
}

/** One of the heavy statistics steps, in the statistics worker thread (or in-process when it is off). */
export async function compute<K extends ComputeTask>(task: K, ...args: Parameters<ComputeTasks[K]>): Promise<ReturnType<ComputeTasks[K]>> {
  const inProcess = () => (computeTasks[task] as (...a: unknown[]) => unknown)(...args) as ReturnType<ComputeTasks[K]>;
  const worker = thread();
  if (!worker) return inProcess();
  try {
    return (await worker.run(task, args)) as ReturnType<ComputeTasks[K]>;
  } catch (error) {
    if (!(error instanceof StatisticsThreadUnavailable)) throw error;
    (globalThis as Global).__driftlineStatisticsInProcess = true;
    warnOnce(error.message);
    return inProcess();
  }
}

/** Stops the statistics worker (tests and shutdown); the next call starts a new one. */
export async function stopStatisticsThread(): Promise<void> {
  const store = globalThis as Global;
  const current = store.__driftlineStatisticsThread;
  store.__driftlineStatisticsThread = null;
  await current?.close();
}
