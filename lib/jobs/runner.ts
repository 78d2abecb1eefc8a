import type { DatabaseHandle } from "@/db/client";

/** A recurring piece of background work. `run` returns true when it did work and should run again at once. */
export type PeriodicTask = {
  name: string;
  intervalMs: number;
  run(handle: DatabaseHandle): Promise<boolean>;
  close?(): Promise<void>;
};

export type Runner = { stop(graceMs?: number): Promise<void>; readonly tasks: string[] };

/**
 * Runs each task on its own timer inside this process: the web server runs
 * them by default, `npm run worker` runs them without a web server. Work is
 * shared safely between any number of processes because every task claims its
 * rows with `FOR UPDATE SKIP LOCKED`. A failing run is logged and retried on
 * the next tick; it never stops the runner.
 */
export function startRunner(handle: DatabaseHandle, tasks: PeriodicTask[], log: (message: string) => void = console.log): Runner {
  let stopped = false;
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();

  const schedule = (task: PeriodicTask, delay: number) => {
    if (stopped) return;
    timers.set(
      task.name,
      setTimeout(() => {
        const run = (async () => {
          let again = false;
          try {
            again = await task.run(handle);
          } catch (error) {
            log(`[driftline] ${task.name}: ${error instanceof Error ? error.message : String(error)}`);
          }
          schedule(task, again ? 0 : task.intervalMs);
        })();
        running.add(run);
        void run.finally(() => running.delete(run));
      }, delay),
    );
  };
  for (const task of tasks) schedule(task, 1_000);

  return {
    tasks: tasks.map((t) => t.name),
    async stop(graceMs = 10_000) {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      // Let running work finish, but not forever: every task commits its work
      // in transactions, so what is cut off is redone by the next process.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.allSettled([...running]), grace]);
      clearTimeout(timer);
      await Promise.allSettled(tasks.map((t) => t.close?.()));
    },
  };
}
