import { customType } from "drizzle-orm/pg-core";

/**
 * A pgvector column without a fixed dimension. Driftline stores vectors of
 * several embedding models in one table; each model gets its own partial HNSW
 * index over `embedding::vector(<dims>)` (see db/embedding-index.ts), which is
 * what kNN queries hit.
 */
export const anyVector = customType<{ data: number[]; driverData: string }>({
  dataType() {
    return "vector";
  },
  toDriver(value: number[]): string {
    return `[${value.join(",")}]`;
  },
  fromDriver(value: string): number[] {
    return value.slice(1, -1).split(",").map(Number);
  },
});
