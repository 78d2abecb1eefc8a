import { deliverDueAlerts } from "@/lib/alerts/delivery";
import { runDueMonitors } from "./monitor-schedule";
import { detectNewVersions } from "./new-versions";
import { detectVersionChanges } from "@/lib/monitors/version-changes";
import { refreshVersionChanges } from "./version-comparisons";
import type { PeriodicTask } from "./runner";

/** Runs monitors whose schedule tick has passed (and backfills new ones). */
export function monitorTask(options: { intervalMs?: number; leaseMs?: number } = {}): PeriodicTask {
  return {
    name: "monitors",
    intervalMs: options.intervalMs ?? 15_000,
    async run(handle) {
      const { claimed } = await runDueMonitors(handle, { leaseMs: options.leaseMs, log: console.log });
      return claimed > 0;
    },
  };
}

/**
 * Detects provider-version switches in every project (every `detectEveryMs`)
 * and, on every tick (10 s), records at once the switches to versions ingest
 * has just seen for the first time, then compares before/after for the
 * changes that are due — so a new version is reported (pending) within
 * seconds of its first traces and compared as soon as both sides have enough.
 */
export function versionChangeTask(options: { intervalMs?: number; detectEveryMs?: number } = {}): PeriodicTask {
  let lastDetection = 0;
  return {
    name: "version-changes",
    intervalMs: options.intervalMs ?? 10_000,
    async run(handle) {
      await detectNewVersions(handle);
      if (Date.now() - lastDetection >= (options.detectEveryMs ?? 5 * 60_000)) {
        const projects = await handle.query<{ id: string }>("select id from projects");
        for (const p of projects) await detectVersionChanges(handle, p.id);
        lastDetection = Date.now();
      }
      return (await refreshVersionChanges(handle)) > 0;
    },
  };
}

/** Sends alert notifications from the outbox, with retries and backoff. */
export function alertDeliveryTask(options: { intervalMs?: number } = {}): PeriodicTask {
  return {
    name: "alert-deliveries",
    intervalMs: options.intervalMs ?? 5_000,
    async run(handle) {
      const stats = await deliverDueAlerts(handle);
      return stats.claimed > 0 && stats.delivered + stats.failed > 0;
    },
  };
}
