import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";

export type DatasetView = { id: string; name: string; description: string | null; version: number; items: number; createdAt: string; updatedAt: string };

type Row = { id: string; name: string; description: string | null; version: number; items: number; created_at: string | Date; updated_at: string | Date };

const view = (r: Row): DatasetView => ({
  id: r.id,
  name: r.name,
  description: r.description,
  version: Number(r.version),
  items: Number(r.items),
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

async function select(db: Database, projectId: string, datasetId: string | null): Promise<DatasetView[]> {
  const result = await db.execute(sql`
    select d.id, d.name, d.description, d.version, d.created_at, d.updated_at,
           (select count(*)::int from dataset_items i where i.project_id = d.project_id and i.dataset_id = d.id) as items
      from datasets d
     where d.project_id = ${projectId}::uuid ${datasetId ? sql`and d.id = ${datasetId}::uuid` : sql``}
     order by d.created_at, d.name`);
  return (result as unknown as { rows: Row[] }).rows.map(view);
}

export const listDatasets = (db: Database, projectId: string) => select(db, projectId, null);
export const getDataset = async (db: Database, projectId: string, datasetId: string) => (await select(db, projectId, datasetId))[0] ?? null;

export type DatasetItemView = {
  id: string;
  input: string;
  expectedOutput: string;
  metadata: Record<string, unknown>;
  version: number;
  /** Live traces matched to this item (by any evaluator), and the mean of their evaluator scores. */
  matchedTraces: number;
  meanScore: number | null;
};

/** A golden set's items with how many live traces matched each and their mean score. */
export async function listDatasetItems(db: Database, projectId: string, datasetId: string, options: { limit?: number; offset?: number } = {}): Promise<DatasetItemView[]> {
  const result = await db.execute(sql`
    select i.id, i.input, i.expected_output, i.metadata, i.version,
           coalesce(m.traces, 0)::int as matched, m.mean
      from dataset_items i
      left join lateral (
        select count(distinct s.trace_id) as traces, avg(s.value)::float8 as mean
          from scores s where s.project_id = i.project_id and s.dataset_item_id = i.id) m on true
     where i.project_id = ${projectId}::uuid and i.dataset_id = ${datasetId}::uuid
     order by i.created_at, i.id
     limit ${options.limit ?? 500} offset ${options.offset ?? 0}`);
  type ItemRow = { id: string; input: string; expected_output: string; metadata: Record<string, unknown>; version: number; matched: number; mean: number | null };
  return (result as unknown as { rows: ItemRow[] }).rows.map((r) => ({
    id: r.id,
    input: r.input,
    expectedOutput: r.expected_output,
    metadata: r.metadata,
    version: Number(r.version),
    matchedTraces: Number(r.matched),
    meanScore: r.mean === null ? null : Number(r.mean),
  }));
}
