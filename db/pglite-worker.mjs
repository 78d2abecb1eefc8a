// The embedded database's own thread (see pglite-thread.ts): PGlite runs its
// statements synchronously in WebAssembly, so on the server's thread every
// query would stop the event loop for as long as it runs. Here it runs beside
// it and answers messages:
//   { id, type: "query", text, params, options?, txId? } → { id, ok, result }
//   { id, type: "begin", txId }                          → { id, ok } once the transaction is open
//   { id, type: "end", txId, commit }                    → { id, ok } once it is committed or rolled back
//   { id, type: "close" }                                → { id, ok }
// A failure answers { id, ok: false, error } with the error's own fields (code, detail, constraint, …).
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";

const { dataDir } = workerData;
const client = dataDir ? new PGlite(dataDir, { extensions: { vector } }) : new PGlite({ extensions: { vector } });
const transactions = new Map();
const identity = (value) => value;

class Rollback extends Error {}

function serializeError(error) {
  const e = error instanceof Error ? error : new Error(String(error));
  const fields = {};
  for (const [key, value] of Object.entries(e)) {
    if (value === undefined || typeof value === "function") continue;
    if (typeof value === "object" && value !== null) continue;
    fields[key] = value;
  }
  return { ...fields, name: e.name, message: e.message, stack: e.stack };
}

/** Parser functions cannot cross threads: the caller names the types to keep as text (drizzle's only use). */
function queryOptions(options) {
  if (!options) return undefined;
  const parsers = options.rawTypes ? Object.fromEntries(options.rawTypes.map((type) => [type, identity])) : undefined;
  return { rowMode: options.rowMode, parsers };
}

async function handle(message) {
  switch (message.type) {
    case "query": {
      const target = message.txId === undefined ? client : transactions.get(message.txId)?.tx;
      if (!target) throw new Error("the transaction has ended");
      const result = await target.query(message.text, message.params, queryOptions(message.options));
      return { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows };
    }
    case "begin":
      return new Promise((opened, failedToOpen) => {
        const entry = {};
        const done = client
          .transaction(async (tx) => {
            entry.tx = tx;
            const ending = new Promise((commit, rollback) => Object.assign(entry, { commit, rollback }));
            transactions.set(message.txId, entry);
            opened(undefined);
            await ending;
          })
          .finally(() => transactions.delete(message.txId));
        entry.done = done;
        done.catch((error) => {
          if (!entry.tx) failedToOpen(error);
        });
      });
    case "end": {
      const entry = transactions.get(message.txId);
      if (!entry) throw new Error("the transaction has ended");
      if (message.commit) entry.commit();
      else entry.rollback(new Rollback("rolled back"));
      try {
        await entry.done;
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
      }
      return undefined;
    }
    case "close":
      await client.close();
      return undefined;
    default:
      throw new Error(`unknown message ${message.type}`);
  }
}

parentPort.on("message", (message) => {
  handle(message).then(
    (result) => parentPort.postMessage({ id: message.id, ok: true, result }),
    (error) => parentPort.postMessage({ id: message.id, ok: false, error: serializeError(error) }),
  );
});

try {
  await client.waitReady;
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ ready: false, error: serializeError(error) });
}
