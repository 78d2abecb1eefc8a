import type { DatabaseHandle } from "@/db/client";
import type { MonitorSegment } from "@/db/schema";
import { resolveThresholds, type ThresholdsOf } from "./config";
import { chooseEmbeddingModel, loadVectorsFor, loadVersionSample, nearDuplicateResponseDistances, seedFromId } from "./data";
import { compareAnswerDistances, compareVersions, type MetricComparison, type VersionVerdict } from "@/lib/drift";
import type { TimeRange } from "./windows";
import { embeddingsPendingBefore } from "./pending-work";

/** A version counts as what a (provider, model) pair answers with in an hour when it served at least this share of it. */
export const DOMINANT_SHARE = 0.8;

/**
 * Finds switches of the model version each (provider, model) pair answers
 * with and records new ones (idempotent: the switch's key is its first trace
 * of the new version). Per hour, the version serving ≥ 80% of the pair's
 * traces is that hour's version; hours without one (a rollout in progress, an
 * A/B split) are skipped, so a gradual rollout is one change, not many. The
 * switch time (`first_seen_new_at`) is the first trace of the new version
 * from the last hour the old one dominated.
 */
export async function detectVersionChanges(handle: DatabaseHandle, projectId: string): Promise<number> {
  const switches = await handle.query<{ provider: string; model: string; from_version: string; to_version: string; prev_hour: Date | string; hour: Date | string }>(
    `with hourly as (
       select coalesce(provider, '') as provider, coalesce(model, '') as model, date_trunc('hour', started_at) as hour,
              model_version, count(*) as n
         from traces where project_id = $1 and model_version is not null
        group by 1, 2, 3, 4),
     totals as (select provider, model, hour, sum(n) as total from hourly group by 1, 2, 3),
     dominant as (
       select h.provider, h.model, h.hour, h.model_version from hourly h
         join totals t on t.provider = h.provider and t.model = h.model and t.hour = h.hour
        where h.n >= $2 * t.total),
     seq as (
       select d.*, lag(model_version) over w as prev_version, lag(hour) over w as prev_hour
         from dominant d window w as (partition by provider, model order by hour))
     select provider, model, prev_version as from_version, model_version as to_version, prev_hour, hour
       from seq where prev_version is not null and prev_version <> model_version`,
    [projectId, DOMINANT_SHARE],
  );
  let inserted = 0;
  for (const s of switches) {
    const rows = await handle.query<{ id: string }>(
      `with bounds as (
         select (select min(started_at) from traces where project_id = $1 and coalesce(provider, '') = $2 and coalesce(model, '') = $3
                   and model_version = $5 and started_at >= $6 and started_at < $7::timestamptz + interval '1 hour') as first_new)
       insert into version_changes (project_id, provider, model, from_version, to_version, first_seen_new_at, last_seen_old_at)
       select $1, $2, $3, $4, $5, b.first_new,
              coalesce((select max(started_at) from traces where project_id = $1 and coalesce(provider, '') = $2 and coalesce(model, '') = $3
                          and model_version = $4 and started_at < b.first_new), b.first_new)
         from bounds b where b.first_new is not null
           -- Already recorded as it happened (lib/monitors/new-versions.ts), keyed by an earlier first trace.
           and not exists (select 1 from version_changes v where v.project_id = $1 and v.provider = $2 and v.model = $3
                             and v.from_version = $4 and v.to_version = $5
                             and v.first_seen_new_at >= $6::timestamptz - interval '2 hours' and v.first_seen_new_at < $7::timestamptz + interval '1 hour')
       on conflict (project_id, provider, model, first_seen_new_at) do nothing
       returning id`,
      [projectId, s.provider, s.model, s.from_version, s.to_version, new Date(s.prev_hour).toISOString(), new Date(s.hour).toISOString()],
    );
    inserted += rows.length;
  }
  return inserted;
}

export type VersionChangeKey = {
  projectId: string;
  provider: string;
  model: string;
  fromVersion: string;
  toVersion: string;
  firstSeenNewAt: Date;
};

export type VersionComparison = { verdict: VersionVerdict; metrics: MetricComparison[]; n: { before: number; after: number } };

/**
 * Compares the old version's traces before the switch with the new
 * version's after it (lib/drift/compare-versions.ts), including the
 * response shift on matched prompts: after-switch prompts with a
 * near-duplicate before the switch, against near-duplicate pairs within the
 * before side.
 */
export async function compareVersionChange(
  handle: DatabaseHandle,
  change: VersionChangeKey,
  options: { before: TimeRange; after: TimeRange; segment?: MonitorSegment; settings?: ThresholdsOf<"version_regression">; seed?: number; maxRows?: number },
): Promise<VersionComparison> {
  const settings = options.settings ?? resolveThresholds("version_regression", {});
  const seed = options.seed ?? seedFromId(`${change.provider}/${change.model}/${change.toVersion}`);
  const common = { projectId: change.projectId, provider: change.provider, model: change.model, segment: options.segment ?? {}, maxRows: options.maxRows ?? 5000, seed };
  const before = await loadVersionSample(handle, { ...common, version: change.fromVersion, range: options.before });
  const after = await loadVersionSample(handle, { ...common, version: change.toVersion, range: options.after });
  let answerShift;
  if (settings.answerPairs > 0 && before.traceIds.length >= settings.minSamples && after.traceIds.length >= settings.minSamples) {
    const model = await chooseEmbeddingModel(handle, change.projectId, "prompt", {}, options.before);
    if (model) {
      const queries = async (ids: string[]) =>
        loadVectorsFor(handle, { projectId: change.projectId, model, kind: "prompt", traceIds: ids.slice(0, settings.answerPairs) });
      const cross = await nearDuplicateResponseDistances(handle, {
        projectId: change.projectId,
        model,
        queries: await queries(after.traceIds),
        within: options.before,
        similarity: settings.similarity,
      });
      const within = await nearDuplicateResponseDistances(handle, {
        projectId: change.projectId,
        model,
        queries: await queries(before.traceIds),
        within: options.before,
        similarity: settings.similarity,
      });
      answerShift = compareAnswerDistances(cross, within, { alpha: settings.alpha });
    }
  }
  return compareVersions(before.sample, after.sample, { ...settings, seed }, answerShift);
}

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
