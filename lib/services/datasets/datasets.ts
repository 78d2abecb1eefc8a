import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { datasetItems, datasets } from "@/db/schema";
import type { DatasetItemInput } from "@/lib/ingest/dataset-items";
import { validateDatasetItems } from "@/lib/ingest/dataset-items";
import { getDataset, type DatasetView } from "@/lib/queries/datasets";
import { authorize, type ServiceContext } from "@/lib/services/context";
import { isUniqueViolation } from "@/lib/services/unique-violation";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";

const CreateDatasetInput = z.strictObject({
  projectId: z.uuid(),
  name: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
  description: z.string().max(2000, "must be at most 2000 characters").nullish(),
  items: z.array(z.unknown()).optional(),
});


/** Creates a golden set, with its first items when given (version 1). */
export async function createDataset({ ctx, input }: { ctx: ServiceContext; input: unknown }): Promise<DatasetView> {
  authorize(ctx.actor, "evals.write");
  const parsed = CreateDatasetInput.safeParse(input);
  const details = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const items = (input as { items?: unknown })?.items;
  let validItems: DatasetItemInput[] = [];
  if (items !== undefined) {
    const checked = validateDatasetItems(items);
    if (checked.ok) validItems = checked.items;
    else details.push(...checked.errors);
  }
  if (!parsed.success || details.length > 0) throw new ValidationError(details);
  const data = parsed.data;
  try {
    const id = await ctx.db.transaction(async (tx) => {
      const [row] = await tx.insert(datasets).values({ projectId: data.projectId, name: data.name, description: data.description ?? null }).returning({ id: datasets.id });
      if (validItems.length > 0) await insertItems(tx, data.projectId, row!.id, 1, validItems);
      return row!.id;
    });
    return (await getDataset(ctx.db, data.projectId, id))!;
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("A dataset with this name exists in the project");
    throw error;
  }
}

/** Adds items to a golden set: a new version of it. */
export async function addDatasetItems({ ctx, input }: { ctx: ServiceContext; input: { projectId: string; datasetId: string; items: DatasetItemInput[] } }): Promise<DatasetView> {
  authorize(ctx.actor, "evals.write");
  if (input.items.length === 0) throw new ValidationError([{ path: "items", message: "must hold at least one item" }]);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(datasets)
      .set({ version: sql`${datasets.version} + 1`, updatedAt: new Date() })
      .where(and(eq(datasets.projectId, input.projectId), eq(datasets.id, input.datasetId)))
      .returning({ version: datasets.version });
    if (!row) throw new NotFoundError("Dataset");
    await insertItems(tx, input.projectId, input.datasetId, row.version, input.items);
  });
  return (await getDataset(ctx.db, input.projectId, input.datasetId))!;
}

/** Deletes a golden set and its items; evaluators naming it stop matching (their scores stay). */
export async function deleteDataset({ ctx, input }: { ctx: ServiceContext; input: { projectId: string; datasetId: string } }): Promise<void> {
  authorize(ctx.actor, "evals.write");
  const deleted = await ctx.db
    .delete(datasets)
    .where(and(eq(datasets.projectId, input.projectId), eq(datasets.id, input.datasetId)))
    .returning({ id: datasets.id });
  if (deleted.length === 0) throw new NotFoundError("Dataset");
  await ctx.db.execute(sql`update evaluators set dataset_id = null where project_id = ${input.projectId}::uuid and dataset_id = ${input.datasetId}::uuid`);
}

async function insertItems(tx: Pick<ServiceContext["db"], "insert">, projectId: string, datasetId: string, version: number, items: DatasetItemInput[]) {
  for (let i = 0; i < items.length; i += 1000) {
    await tx.insert(datasetItems).values(
      items.slice(i, i + 1000).map((item) => ({ projectId, datasetId, input: item.input, expectedOutput: item.expectedOutput, metadata: item.metadata, version })),
    );
  }
}
