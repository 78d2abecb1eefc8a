import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { PgliteThread } from "./pglite-thread";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The one database type every query and service takes, whichever driver is behind it. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseDriver = "pglite" | "postgres";

export type DatabaseHandle = {
  db: Database;
  driver: DatabaseDriver;
  /** The PostgreSQL URL (postgres driver only). */
  url?: string;
  /** Runs raw SQL with positional parameters and returns its rows (both drivers). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
  /**
   * The same database for background jobs. On PGlite every statement runs
   * one at a time on the server's thread, so a job's statement waits while a
   * request's are queued (see Lanes); on PostgreSQL this is the handle itself.
   */
  background?: DatabaseHandle;
  /**
   * A streaming replica for reads that may lag behind the primary by the
   * replica's replay delay (`DATABASE_READ_URL`); absent, reads use this
   * handle. Nothing writes through it: the replica refuses writes.
   */
  read?: DatabaseHandle;
  /**
   * Embedded database only: when a statement last succeeded (ms since the
   * epoch). It runs in this process, so a recent success shows it usable
   * without queueing a statement of one's own behind a running query.
   */
  lastAnsweredAt?(): number;
};

export type OpenDatabaseOptions = {
  /** A PostgreSQL URL; when absent, the embedded PGlite database is used. */
  url?: string;
  /** Where PGlite keeps its files; "memory://" for a throw-away database. */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
  /** A streaming replica of `url` (PostgreSQL only): becomes `handle.read`. */
  readUrl?: string;
  /** Names the connections in pg_stat_activity (PostgreSQL only). */
  applicationName?: string;
};

export function defaultDataDir(): string {
  return path.resolve(process.env.DRIFTLINE_DATA_DIR ?? ".data", "pglite");
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  if (options.url) {
    // With a replica, both pools are named (`driftline`, `driftline-read`) so pg_stat_activity tells them apart.
    if (!options.readUrl) return openPostgres(options.url, options.maxConnections, options.applicationName);
    const primary = openPostgres(options.url, options.maxConnections, options.applicationName ?? "driftline");
    const read = openPostgres(options.readUrl, options.maxConnections, `${options.applicationName ?? "driftline"}-read`);
    return {
      ...primary,
      read,
      close: async () => {
        await Promise.all([primary.close(), read.close()]);
      },
    };
  }
  const dataDir = options.dataDir ?? defaultDataDir();
  const inMemory = dataDir.startsWith("memory://");
  const releaseLock = inMemory ? () => undefined : lockDataDir(dataDir);
  let thread: PgliteThread;
  try {
    thread = await PgliteThread.open(inMemory ? undefined : dataDir);
  } catch (error) {
    releaseLock();
    throw error;
  }
  const client = thread.asClient();
  const lanes = new Lanes();
  const close = async () => {
    await thread.close();
    releaseLock();
  };
  let lastAnsweredAt = 0;
  const answered = <T>(op: () => Promise<T>) => async (): Promise<T> => {
    const result = await op();
    lastAnsweredAt = Date.now();
    return result;
  };
  const laneHandle = (lane: <T>(op: () => Promise<T>) => Promise<T>): DatabaseHandle => {
    const run = <T>(op: () => Promise<T>) => lane(answered(op));
    // drizzle's PGlite driver calls only query() and transaction(); inside a transaction it uses the
    // transaction's own object, so a transaction, once started, runs to its end in its lane.
    const laneClient = {
      query: ((...args: Parameters<PGlite["query"]>) => run(() => client.query(...args))) as PGlite["query"],
      transaction: (<T>(callback: Parameters<PGlite["transaction"]>[0]) => run(() => client.transaction(callback) as Promise<T>)) as PGlite["transaction"],
    };
    return {
      db: drizzlePglite({ client: laneClient as PGlite, schema }) as unknown as Database,
      driver: "pglite",
      async query<T>(text: string, params: unknown[] = []) {
        return (await run(() => client.query<T>(text, params))).rows;
      },
      close,
      lastAnsweredAt: () => lastAnsweredAt,
    };
  };
  const background = laneHandle((op) => lanes.background(op));
  return { ...laneHandle((op) => lanes.foreground(op)), background };
}

/** A pool onto one PostgreSQL server, named `applicationName` (when given) in its pg_stat_activity. */
function openPostgres(url: string, maxConnections: number | undefined, applicationName: string | undefined): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections ?? 10,
    ...(applicationName ? { application_name: applicationName } : {}),
    // Fail fast instead of hanging when the server is down.
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its connection must not crash the process.
  pool.on("error", (err) => console.error("[driftline] idle PostgreSQL client error:", err.message));
  // A client checked out of the pool (inside a transaction, between two of its statements) that loses its
  // connection emits "error" on itself, where the pool no longer listens: without this listener that is an
  // uncaught exception. Its next statement fails and the transaction rolls back, so logging is enough.
  pool.on("connect", (client) => {
    client.on("error", (err) => console.error("[driftline] PostgreSQL connection lost:", err.message));
  });
  const db = drizzleNodePg(pool, { schema }) as unknown as Database;
  return {
    db,
    driver: "postgres",
    url,
    async query<T>(text: string, params: unknown[] = []) {
      const result = await pool.query(text, params);
      return result.rows as T[];
    },
    close: () => pool.end(),
  };
}

/** The handle background jobs use: `handle.background` where there is one, else the handle itself. */
export function backgroundHandle(handle: DatabaseHandle): DatabaseHandle {
  return handle.background ?? handle;
}

/** The handle for reads that may lag (the replica): `handle.read` where there is one, else the handle itself. */
export function readHandle(handle: DatabaseHandle): DatabaseHandle {
  return handle.read ?? handle;
}

/**
 * Two lanes onto one embedded database. PGlite runs one statement (or one
 * transaction) at a time, in arrival order, on the thread that serves
 * requests; a backfill's queue of statements would make every request wait
 * behind all of them. Here background statements go one at a time, and only
 * when no request's statement is waiting or running, so a request waits at
 * most for the one background statement or transaction already started. So
 * that busy traffic cannot hold the jobs off for ever, a background statement
 * that has waited `maxWaitMs` goes anyway.
 */
export class Lanes {
  private active = 0;
  private readonly queue: Array<() => Promise<void>> = [];
  private pumping = false;
  private idle: Array<() => void> = [];

  constructor(private readonly maxWaitMs = 500) {}

  async foreground<T>(op: () => Promise<T>): Promise<T> {
    this.active += 1;
    try {
      return await op();
    } finally {
      this.active -= 1;
      if (this.active === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  background<T>(op: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => op().then(resolve, reject));
      void this.pump();
    });
  }

  /** Runs the queued background statements one by one, each after a turn of the event loop. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        // PGlite answers within microtasks: without this turn a chain of background statements would
        // not let the event loop read an incoming request at all.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const since = Date.now();
        while (this.active > 0 && Date.now() - since < this.maxWaitMs) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(wake, this.maxWaitMs - (Date.now() - since));
            function wake() {
              clearTimeout(timer);
              resolve();
            }
            this.idle.push(wake);
          });
        }
        await this.queue.shift()!();
      }
    } finally {
      this.pumping = false;
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Data dirs this process has open, on globalThis because Next.js loads route bundles as separate module graphs. */
function openInThisProcess(): Set<string> {
  const store = globalThis as typeof globalThis & { __driftlineLockedDataDirs?: Set<string> };
  store.__driftlineLockedDataDirs ??= new Set();
  return store.__driftlineLockedDataDirs;
}

/**
 * The embedded database is a single-process database: two processes writing
 * one directory corrupt it. A lock file next to it names the process that has
 * it open (`pid host`); a second opener is refused with that name. A stale
 * lock left by a process that died (SIGKILL, a crash, a power cut) on this
 * host is taken over — also when it names this very process's pid, which
 * happens whenever a container is restarted (the server is pid 1 again):
 * whether this process holds the lock is known from its own records, not from
 * the pid. A lock written on another host (another container sharing the
 * volume, which may well be pid 1 too) cannot be checked from here, so it is
 * refused, with the way to clear it.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const lockFile = `${dataDir}.lock`;
  const mine = openInThisProcess();
  const host = hostname();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, `${process.pid} ${host}`);
      closeSync(fd);
      mine.add(lockFile);
      return () => {
        mine.delete(lockFile);
        rmSync(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const [pidText = "", holderHost = host] = readFileSync(lockFile, "utf8").trim().split(/\s+/);
      const holder = Number(pidText);
      if (holderHost !== host) {
        throw new Error(
          `the embedded database at ${dataDir} is locked by process ${holder} on host ${holderHost}. ` +
            `If no process there uses it any more, delete ${lockFile}; to share one database between hosts, point DATABASE_URL at a PostgreSQL server.`,
        );
      }
      const held = holder === process.pid ? mine.has(lockFile) : Number.isInteger(holder) && holder > 0 && processAlive(holder);
      if (held) {
        throw new Error(
          `the embedded database at ${dataDir} is open in process ${holder} (the Driftline server?). ` +
            "Stop that process first, or point DATABASE_URL at a PostgreSQL server, which any number of processes can share.",
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock the embedded database at ${dataDir}`);
}

const CONNECTION_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "57P01", "57P02", "57P03"]);
const CONNECTION_ERROR_MESSAGES = [
  "connection terminated",
  "timeout exceeded when trying to connect",
  "not queryable",
  "cannot use a pool after calling end",
];

/**
 * Whether an error (or one of its causes: drizzle wraps driver errors) means
 * the database could not be reached, rather than that a statement was wrong:
 * a refused or dropped connection, a connect timeout, a server shutting down
 * (SQLSTATE class 08 and 57P01–57P03). Such failures are answered 503 — the
 * request may be retried — never 500.
 */
export function isDatabaseUnavailableError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_ERROR_CODES.has(code) || code.startsWith("08"))) return true;
    const message = e.message.toLowerCase();
    if (CONNECTION_ERROR_MESSAGES.some((m) => message.includes(m))) return true;
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailableError(inner))) return true;
  }
  return false;
}

/** A cheap round trip, used by the health check. */
export async function ping(handle: DatabaseHandle): Promise<void> {
  await handle.db.execute(sql`select 1`);
}
