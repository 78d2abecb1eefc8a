import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { PGlite, QueryOptions, Results, Transaction } from "@electric-sql/pglite";

type Reply = { ready: true } | { ready: false; error: SerializedError } | { id: number; ok: true; result: unknown } | { id: number; ok: false; error: SerializedError };
type SerializedError = { name: string; message: string; stack?: string } & Record<string, unknown>;
type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

const WORKER_FILE = "pglite-worker.mjs";

/**
 * The embedded database (PGlite) in its own worker thread (pglite-worker.mjs),
 * with the two calls drizzle's PGlite driver makes — `query` and
 * `transaction` — so the server's event loop keeps answering requests while a
 * statement runs. Results, parameters and errors (with their SQLSTATE `code`,
 * `constraint`, `detail`, …) are copied between the threads. One transaction
 * at a time, as in PGlite itself: statements outside it wait until it ends.
 * The thread keeps the process alive only while a call is pending.
 */
export class PgliteThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextTx = 1;
  private dead: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: Reply) => {
      if ("ready" in reply) return;
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(deserializeError(reply.error));
    });
    const fail = (error: Error) => {
      this.dead = error;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the embedded database's thread exited (${code})`)));
  }

  /** Starts the thread and opens the database at `dataDir` (none: in memory). */
  static async open(dataDir?: string): Promise<PgliteThread> {
    const worker = new Worker(workerScript(), { workerData: { dataDir } });
    const ready = await new Promise<Reply>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the embedded database's thread exited (${code}) while opening`)));
    });
    if ("ready" in ready && !ready.ready) {
      await worker.terminate();
      throw deserializeError(ready.error);
    }
    worker.unref();
    return new PgliteThread(worker);
  }

  private call<T>(message: Record<string, unknown>): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  query<T>(text: string, params: unknown[] = [], options?: QueryOptions, txId?: number): Promise<Results<T>> {
    return this.call<Results<T>>({ type: "query", text, params, options: wireOptions(options), txId });
  }

  async transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    const txId = this.nextTx++;
    await this.call({ type: "begin", txId });
    let closed = false;
    const tx = {
      query: <R>(text: string, params?: unknown[], options?: QueryOptions) => this.query<R>(text, params, options, txId),
      sql: () => {
        throw new Error("tagged-template queries are not available through the database thread");
      },
      exec: () => {
        throw new Error("exec is not available through the database thread");
      },
      rollback: async () => {
        throw new Error("roll back by throwing from the transaction's callback");
      },
      listen: () => {
        throw new Error("LISTEN is not available through the database thread");
      },
      get closed() {
        return closed;
      },
    } as unknown as Transaction;
    let result: T;
    try {
      result = await callback(tx);
    } catch (error) {
      closed = true;
      await this.call({ type: "end", txId, commit: false }).catch(() => undefined);
      throw error;
    }
    closed = true;
    await this.call({ type: "end", txId, commit: true });
    return result;
  }

  async close(): Promise<void> {
    if (this.dead) return;
    try {
      await this.call({ type: "close" });
    } finally {
      await this.worker.terminate();
    }
  }

  /** The object drizzle's PGlite driver is given. */
  asClient(): PGlite {
    return { query: this.query.bind(this), transaction: this.transaction.bind(this) } as unknown as PGlite;
  }
}

/** Parser functions cannot cross threads; drizzle's keep some types as text, which is all the thread supports. */
function wireOptions(options?: QueryOptions): { rowMode?: string; rawTypes?: number[] } | undefined {
  if (!options) return undefined;
  return { rowMode: options.rowMode, rawTypes: options.parsers ? Object.keys(options.parsers).map(Number) : undefined };
}

function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  Object.assign(error, serialized);
  return error;
}

/**
 * The thread's script: beside this module in the source tree, else under the
 * working directory (a bundled server does not keep the source layout).
 */
function workerScript(): string {
  const candidates: string[] = [];
  try {
    candidates.push(join(dirname(fileURLToPath(import.meta.url)), WORKER_FILE));
  } catch {
    // not a file: URL
  }
  candidates.push(resolve(process.cwd(), "db", WORKER_FILE));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`the embedded database's thread script is missing (looked at ${candidates.join(", ")})`);
  return found;
}
