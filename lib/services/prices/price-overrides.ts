import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { priceOverrides } from "@/db/schema";
import type { PriceOverride } from "@/lib/ingest/pricing";
import { listPriceOverrides, type PriceOverrideView } from "@/lib/queries/prices";
import { authorize, type ServiceContext } from "@/lib/services/context";
import { NotFoundError, ValidationError } from "@/lib/errors";

/** USD per million tokens; a million dollars per million tokens is past any real price and catches a unit slip. */
const perMillion = z
  .number("must be a number (USD per million tokens)")
  .refine(Number.isFinite, "must be a finite number")
  .refine((v) => v >= 0, "must not be negative")
  .refine((v) => v <= 1_000_000, "must be at most 1000000 (USD per million tokens)");

const name = (what: string) =>
  z
    .string(`must be a string (the ${what} as the client sends it)`)
    .trim()
    .min(1, "must not be empty")
    .max(256, "must be at most 256 characters");

export const PriceOverrideInput = z.strictObject({
  projectId: z.uuid(),
  /** Omitted or null: any provider. */
  provider: name("provider").nullish(),
  model: name("model"),
  inputPerMillion: perMillion,
  outputPerMillion: perMillion,
  cachedInputPerMillion: perMillion.nullish(),
});

export const MAX_PRICE_OVERRIDES = 500;

/** zod issues → one 422 naming each field; an unknown field is named itself (usually a typo such as input_per_million). */
export function parsePriceInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.flatMap((i) =>
    i.code === "unrecognized_keys"
      ? i.keys.map((key) => ({ path: [...i.path, key].map(String).join("."), message: "unknown field" }))
      : [{ path: i.path.map(String).join("."), message: i.message }],
  );
  throw new ValidationError(details);
}

/**
 * Sets a project's price for a model (and optionally one provider): creates
 * it, or replaces the one for the same provider and model. Applies to traces
 * ingested from now on; history is re-priced only on request.
 */
export async function putPriceOverride({ ctx, input }: { ctx: ServiceContext; input: unknown }): Promise<{ override: PriceOverrideView; created: boolean }> {
  authorize(ctx.actor, "prices.write");
  const data = parsePriceInput(PriceOverrideInput, input);
  const provider = data.provider?.toLowerCase() ?? "";
  const model = data.model.toLowerCase();
  const values = {
    inputPerMillion: data.inputPerMillion,
    outputPerMillion: data.outputPerMillion,
    cachedInputPerMillion: data.cachedInputPerMillion ?? null,
  };
  // A project's list stays small enough to load whole for every ingest batch.
  const [count] = await ctx.db
    .select({ n: sql<number>`count(*)::int`, same: sql<boolean>`bool_or(${priceOverrides.provider} = ${provider} and ${priceOverrides.model} = ${model})` })
    .from(priceOverrides)
    .where(eq(priceOverrides.projectId, data.projectId));
  if (Number(count?.n ?? 0) >= MAX_PRICE_OVERRIDES && !count?.same) {
    throw new ValidationError([{ path: "model", message: `a project may hold at most ${MAX_PRICE_OVERRIDES} price overrides; remove one first` }]);
  }
  const [row] = await ctx.db
    .insert(priceOverrides)
    .values({ projectId: data.projectId, provider, model, ...values })
    .onConflictDoUpdate({
      target: [priceOverrides.projectId, priceOverrides.provider, priceOverrides.model],
      set: { ...values, updatedAt: new Date() },
    })
    .returning({ id: priceOverrides.id, created: sql<boolean>`(xmax = 0)` });
  forgetPriceOverrides(data.projectId);
  const override = (await listPriceOverrides(ctx.db, data.projectId)).find((o) => o.id === row!.id)!;
  return { override, created: Boolean(row!.created) };
}

export async function deletePriceOverride({ ctx, input }: { ctx: ServiceContext; input: { projectId: string; id: string } }): Promise<void> {
  authorize(ctx.actor, "prices.write");
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.id)) throw new NotFoundError("Price override");
  const deleted = await ctx.db
    .delete(priceOverrides)
    .where(and(eq(priceOverrides.projectId, input.projectId), eq(priceOverrides.id, input.id)))
    .returning({ id: priceOverrides.id });
  if (deleted.length === 0) throw new NotFoundError("Price override");
  forgetPriceOverrides(input.projectId);
}

// ---------------------------------------------------------------------------
// The overrides ingest prices with
// ---------------------------------------------------------------------------

/**
 * How long this process prices with a project's overrides before reading them
 * again: a busy exporter then costs one read a second, not one per batch.
 * Writing an override clears this process's copy at once; other processes
 * follow within this time.
 */
export const PRICE_OVERRIDE_CACHE_MS = 1_000;

type Cached = { overrides: PriceOverride[]; until: number };
type OverrideCache = { entries: Map<string, Cached>; generation: number };
type Global = typeof globalThis & { __driftlinePriceOverrides?: OverrideCache };
function overrideCache(): OverrideCache {
  const store = globalThis as Global;
  store.__driftlinePriceOverrides ??= { entries: new Map(), generation: 0 };
  return store.__driftlinePriceOverrides;
}

export function forgetPriceOverrides(projectId: string): void {
  const cache = overrideCache();
  cache.entries.delete(projectId);
  cache.generation++;
}

/** A project's overrides for pricing, from this process's copy when it is fresh. */
export async function loadPriceOverrides(db: Pick<Database, "select">, projectId: string, now = Date.now()): Promise<PriceOverride[]> {
  const cache = overrideCache();
  const hit = cache.entries.get(projectId);
  if (hit && hit.until > now) return hit.overrides;
  const generation = cache.generation;
  const rows = await db
    .select({
      provider: priceOverrides.provider,
      model: priceOverrides.model,
      inputPerMillion: priceOverrides.inputPerMillion,
      outputPerMillion: priceOverrides.outputPerMillion,
      cachedInputPerMillion: priceOverrides.cachedInputPerMillion,
    })
    .from(priceOverrides)
    .where(eq(priceOverrides.projectId, projectId))
    .limit(MAX_PRICE_OVERRIDES);
  const overrides = rows.map((r) => ({ ...r, provider: r.provider === "" ? null : r.provider }));
  // A read that ran across a write keeps nothing: the next batch reads again.
  if (generation === cache.generation) {
    if (cache.entries.size >= 10_000) cache.entries.clear();
    cache.entries.set(projectId, { overrides, until: now + PRICE_OVERRIDE_CACHE_MS });
  }
  return overrides;
}
