import type { DatabaseHandle } from "@/db/client";
import type { MonitorSegment } from "@/db/schema";
import { resolveThresholds, type ThresholdsOf } from "@/db/monitor-config";
import { chooseEmbeddingModel, loadVectorsFor, loadVersionSample, nearDuplicateResponseDistances } from "./loaders";
import { seedFromId } from "./sampling";
import { compareAnswerDistances, compareVersions, type MetricComparison, type VersionVerdict } from "@/lib/drift";
import type { TimeRange } from "./windows";

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
           -- Already recorded as it happened (lib/jobs/new-versions.ts), keyed by an earlier first trace.
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
