import { closeOpenGenerations } from "@/lib/services/langfuse/close-open-generations";
import type { PeriodicTask } from "./runner";

/**
 * Writes the Langfuse generations left open past their wait and clears old
 * staging rows (lib/services/langfuse/close-open-generations.ts): a pass a
 * minute, at once again while a pass was full.
 */
export function langfuseCloseTask(options: { intervalMs?: number; limit?: number } = {}): PeriodicTask {
  const limit = options.limit ?? 500;
  return {
    name: "langfuse-close",
    intervalMs: options.intervalMs ?? 60_000,
    async run(handle) {
      const stats = await closeOpenGenerations(handle, { limit });
      return stats.written >= limit;
    },
  };
}
