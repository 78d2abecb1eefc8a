import type { DatabaseHandle } from "@/db/client";
import { resolveThresholds } from "@/db/monitor-config";
import { embeddingsPendingBefore } from "@/lib/monitors/pending-work";
import { compareVersionChange } from "@/lib/monitors/version-changes";

const COMPARE_SPAN_MS = 7 * 86_400_000;

/**
 * Fills in (and refreshes while the after side is still growing) the
 * comparison of recorded version changes. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED` and a lease, so several workers share them.
 */
export async function refreshVersionChanges(handle: DatabaseHandle, options: { now?: Date; limit?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const claimed = await handle.query<{
    project_id: string;
    id: string;
    provider: string;
    model: string;
    from_version: string;
    to_version: string;
    first_seen_new_at: Date | string;
  }>(
    `with due as (
       select project_id, id from version_changes
        where (locked_until is null or locked_until < $1)
          and (compared_at is null
               or (compared_at < first_seen_new_at + interval '7 days' and compared_at < $1::timestamptz - interval '10 minutes')
               -- A pending change is compared again as soon as its new version has more traces than last time.
               or (status = 'pending' and compared_at < $1::timestamptz - interval '10 seconds'
                   and (select count(*) from traces t where t.project_id = version_changes.project_id
                          and coalesce(t.model, '') = version_changes.model and coalesce(t.provider, '') = version_changes.provider
                          and t.model_version = version_changes.to_version and t.started_at >= version_changes.first_seen_new_at
                          and t.started_at < version_changes.first_seen_new_at + interval '7 days') > version_changes.after_count))
        order by compared_at nulls first, first_seen_new_at
        limit $2 for update skip locked)
     update version_changes v set locked_until = $1::timestamptz + interval '10 minutes'
       from due where v.project_id = due.project_id and v.id = due.id
     returning v.project_id, v.id, v.provider, v.model, v.from_version, v.to_version, v.first_seen_new_at`,
    [now.toISOString(), options.limit ?? 5],
  );
  for (const c of claimed) {
    const at = new Date(c.first_seen_new_at);
    const afterEnd = new Date(Math.min(at.getTime() + COMPARE_SPAN_MS, now.getTime()));
    if (await embeddingsPendingBefore(handle, c.project_id, afterEnd)) {
      // The response-shift comparison needs these texts embedded. Store every other metric now (a
      // pending change would otherwise wait a whole task interval) but leave `compared_at` unset, so
      // a later pass completes the comparison once the backlog is drained.
      const partial = await compareVersionChange(
        handle,
        { projectId: c.project_id, provider: c.provider, model: c.model, fromVersion: c.from_version, toVersion: c.to_version, firstSeenNewAt: at },
        {
          before: { start: new Date(at.getTime() - COMPARE_SPAN_MS), end: at },
          after: { start: at, end: afterEnd },
          settings: { ...resolveThresholds("version_regression", {}), answerPairs: 0 },
        },
      ).catch(() => null);
      await handle.query(
        `update version_changes set locked_until = $3::timestamptz + interval '20 seconds',
                status = coalesce($4, status), comparison = coalesce($5::jsonb, comparison),
                before_count = coalesce($6, before_count), after_count = coalesce($7, after_count)
          where project_id = $1 and id = $2`,
        [
          c.project_id,
          c.id,
          now.toISOString(),
          partial?.verdict ?? null,
          partial ? JSON.stringify({ metrics: partial.metrics, responseShift: "pending" }) : null,
          partial?.n.before ?? null,
          partial?.n.after ?? null,
        ],
      );
      continue;
    }
    try {
      const result = await compareVersionChange(
        handle,
        { projectId: c.project_id, provider: c.provider, model: c.model, fromVersion: c.from_version, toVersion: c.to_version, firstSeenNewAt: at },
        {
          before: { start: new Date(at.getTime() - COMPARE_SPAN_MS), end: at },
          after: { start: at, end: afterEnd },
        },
      );
      await handle.query(
        `update version_changes set status = $3, comparison = $4, before_count = $5, after_count = $6, compared_at = $7, locked_until = null
          where project_id = $1 and id = $2`,
        [c.project_id, c.id, result.verdict, JSON.stringify({ metrics: result.metrics }), result.n.before, result.n.after, now.toISOString()],
      );
    } catch (error) {
      await handle.query("update version_changes set locked_until = $3::timestamptz + interval '5 minutes' where project_id = $1 and id = $2", [
        c.project_id,
        c.id,
        now.toISOString(),
      ]);
      throw error;
    }
  }
  return claimed.length;
}
