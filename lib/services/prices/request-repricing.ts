import { sql } from "drizzle-orm";
import { z } from "zod";
import { authorize, type ServiceContext } from "@/lib/services/context";
import { parsePriceInput } from "./price-overrides";

const RepricingInput = z.strictObject({
  projectId: z.uuid(),
  model: z.string("must be a string (the model as stored on the traces)").trim().min(1, "must not be empty").max(256, "must be at most 256 characters"),
});

export type RepricingView = { id: string; model: string; requestedAt: string; scanned: number; finishedAt: string | null };

/**
 * Queues a re-pricing of a model's stored traces with today's overrides and
 * price table (lib/jobs/reprice.ts does the work). Idempotent: while one is
 * queued or running for the model, asking again answers that one. Traces
 * whose cost came from the client are never touched.
 */
export async function requestRepricing({ ctx, input }: { ctx: ServiceContext; input: unknown }): Promise<{ repricing: RepricingView; created: boolean }> {
  authorize(ctx.actor, "prices.write");
  const data = parsePriceInput(RepricingInput, input);
  // Two requests racing: the one whose insert lost may not see the winner's row in its snapshot; it asks again.
  for (let attempt = 0; ; attempt++) {
    const row = await insertOrFind(ctx, data.projectId, data.model);
    if (row || attempt > 0) return row ?? throwGone();
  }
}

type Row = { repricing: RepricingView; created: boolean };

function throwGone(): never {
  throw new Error("The re-pricing request could not be stored or found");
}

async function insertOrFind(ctx: ServiceContext, projectId: string, model: string): Promise<Row | null> {
  const result = await ctx.db.execute(sql`
    with inserted as (
      insert into price_repricings (project_id, model) values (${projectId}, ${model})
      on conflict (project_id, model) where finished_at is null do nothing
      returning id, model, requested_at, scanned, finished_at, true as created
    )
    select * from inserted
    union all
    select id, model, requested_at, scanned, finished_at, false from price_repricings
    where project_id = ${projectId} and model = ${model} and finished_at is null and not exists (select 1 from inserted)`);
  const row = (result as unknown as { rows: Array<{ id: string; model: string; requested_at: string | Date; scanned: number; finished_at: string | Date | null; created: boolean }> }).rows[0];
  if (!row) return null;
  return {
    created: Boolean(row.created),
    repricing: {
      id: row.id,
      model: row.model,
      requestedAt: new Date(row.requested_at).toISOString(),
      scanned: Number(row.scanned),
      finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    },
  };
}
