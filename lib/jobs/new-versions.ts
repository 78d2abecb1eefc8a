import type { DatabaseHandle } from "@/db/client";
import { DOMINANT_SHARE } from "@/lib/monitors/version-changes";

/** Traces before a new version's first one that say which version the pair answered with until then. */
const BEFORE_SAMPLE = 100;
/** After this long the hourly detection (detectVersionChanges) owns a version that has not taken over yet. */
const WATCH_MS = 2 * 3_600_000;
/** A version not yet serving the pair is looked at again after this long. */
const RECHECK_MS = 10_000;

type Due = { project_id: string; provider: string; model: string; model_version: string };

/**
 * Looks at the model versions ingest has just seen for the first time
 * (`model_versions_seen` rows not settled) and records a version change at
 * once — without waiting for the hour to end — when the new version has
 * taken over its (provider, model) pair: at least 80% of the pair's traces
 * since the new version's first one name it, and at least 80% of the
 * `BEFORE_SAMPLE` traces before that named one other version. The change is
 * recorded `pending`, with the same key (the first trace of the new version)
 * the hourly detection would give it, so the two never record one switch
 * twice. A new pair, an A/B split or a slow rollout records nothing here; the
 * version is looked at again until `WATCH_MS` after its first trace, then
 * left to the hourly detection. Due rows are claimed with SKIP LOCKED.
 */
export async function detectNewVersions(handle: DatabaseHandle, options: { now?: Date; limit?: number } = {}): Promise<{ checked: number; recorded: number }> {
  const now = options.now ?? new Date();
  const due = await handle.query<Due>(
    `with due as (
       select project_id, provider, model, model_version from model_versions_seen
        where settled = false and (checked_at is null or checked_at < $1::timestamptz - make_interval(secs => $3::double precision))
        order by checked_at nulls first limit $2 for update skip locked)
     update model_versions_seen s set checked_at = $1
       from due where s.project_id = due.project_id and s.provider = due.provider and s.model = due.model and s.model_version = due.model_version
     returning s.project_id, s.provider, s.model, s.model_version`,
    [now.toISOString(), options.limit ?? 20, RECHECK_MS / 1000],
  );
  let recorded = 0;
  for (const v of due) {
    const pair = `project_id = $1 and coalesce(provider, '') = $2 and coalesce(model, '') = $3 and model_version is not null`;
    const [state] = await handle.query<{ first_new: Date | string | null; from_version: string | null; before_share: number | null; after_share: number | null }>(
      `with first_new as (select min(started_at) as t from traces where ${pair} and model_version = $4),
       before as (select model_version from traces where ${pair} and started_at < (select t from first_new) order by started_at desc limit ${BEFORE_SAMPLE}),
       prior as (select model_version, count(*)::float8 / (select count(*) from before) as share from before group by 1 order by 2 desc, 1 limit 1)
       select (select t from first_new) as first_new, (select model_version from prior) as from_version, (select share from prior) as before_share,
              (select avg((model_version = $4)::int)::float8 from traces where ${pair} and started_at >= (select t from first_new)) as after_share`,
      [v.project_id, v.provider, v.model, v.model_version],
    );
    const firstNew = state?.first_new ? new Date(state.first_new) : null;
    const takenOver =
      firstNew !== null &&
      state!.from_version !== null &&
      state!.from_version !== v.model_version &&
      (state!.before_share ?? 0) >= DOMINANT_SHARE &&
      (state!.after_share ?? 0) >= DOMINANT_SHARE;
    if (takenOver) {
      const rows = await handle.query<{ id: string }>(
        `insert into version_changes (project_id, provider, model, from_version, to_version, first_seen_new_at, last_seen_old_at)
         select $1, $2, $3, $4, $5, $6,
                coalesce((select max(started_at) from traces where project_id = $1 and coalesce(provider, '') = $2 and coalesce(model, '') = $3
                            and model_version = $4 and started_at < $6), $6)
         on conflict (project_id, provider, model, first_seen_new_at) do nothing
         returning id`,
        [v.project_id, v.provider, v.model, state!.from_version, v.model_version, firstNew.toISOString()],
      );
      recorded += rows.length;
    }
    // Nothing to report for a new pair (no earlier version); a version that has not taken over is watched a while.
    const settled = takenOver || state?.from_version == null || firstNew === null || now.getTime() - firstNew.getTime() > WATCH_MS;
    if (settled) {
      await handle.query(
        "update model_versions_seen set settled = true where project_id = $1 and provider = $2 and model = $3 and model_version = $4",
        [v.project_id, v.provider, v.model, v.model_version],
      );
    }
  }
  return { checked: due.length, recorded };
}
