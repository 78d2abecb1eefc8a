// The statistics worker thread (see compute.ts): loads the monitors' pure
// computations (TypeScript, compiled on load by tsx) and answers one request
// at a time: { id, task, args } → { id, ok, result } or { id, ok: false, error }.
import { fileURLToPath } from "node:url";
import { parentPort } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

// The project's tsconfig (for the `@/` paths), wherever the process was started from.
const tsconfig = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));
const { computeTasks } = await tsImport("./compute-tasks.ts", { parentURL: import.meta.url, tsconfig });

parentPort.on("message", ({ id, task, args }) => {
  try {
    const run = computeTasks[task];
    if (typeof run !== "function") throw new Error(`unknown statistics task ${task}`);
    parentPort.postMessage({ id, ok: true, result: run(...args) });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({ id, ok: false, error: { name: e.name, message: e.message, stack: e.stack } });
  }
});
parentPort.postMessage({ ready: true });
