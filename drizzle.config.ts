import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL migrations from db/schema. They are applied
// programmatically at start (db/migrate.ts) on both PGlite and PostgreSQL,
// because drizzle-kit's own runner cannot load pgvector into PGlite.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  casing: "snake_case",
});
