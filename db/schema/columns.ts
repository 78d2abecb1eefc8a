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

/**
 * jsonb for a value that may be a JSON string at the top level: a prompt or a
 * response sent as plain text. Both drivers already parse jsonb, and drizzle's
 * jsonb() parses any string it gets back once more, so the prompt "{}" came
 * back as an object and "null" as null. This column hands the driver's value
 * through as it is.
 */
export const jsonbValue = customType<{ data: unknown; driverData: unknown }>({
  dataType() {
    return "jsonb";
  },
  toDriver(value: unknown): string {
    return JSON.stringify(value);
  },
  fromDriver(value: unknown): unknown {
    return value;
  },
});
