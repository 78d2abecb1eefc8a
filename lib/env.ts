import { z } from "zod";

/**
 * Every environment variable Driftline reads, validated once. A bad value
 * stops start-up with a message that names the variable (see README
 * "Configuration" for the full list).
 */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const envSchema = z
  .object({
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
        .optional(),
    ),
    // A direct PostgreSQL URL (not through a transaction-pooling PgBouncer) for the migration lock.
    DATABASE_MIGRATION_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
        .optional(),
    ),
    // A streaming replica of DATABASE_URL's database: the dashboard's and the read API's GET routes read from it.
    DATABASE_READ_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
        .optional(),
    ),
    DRIFTLINE_DATA_DIR: optionalString,
    DRIFTLINE_INIT_ADMIN_EMAIL: optionalString.pipe(z.email("must be an email address").optional()),
    DRIFTLINE_INIT_ADMIN_PASSWORD: optionalString.pipe(
      z.string().min(8, "must be at least 8 characters").optional(),
    ),
    DRIFTLINE_INIT_PROJECT: optionalString.pipe(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a slug: lowercase letters, digits and dashes")
        .optional(),
    ),
    DRIFTLINE_INIT_API_KEY: optionalString.pipe(
      z.string().min(16, "must be at least 16 characters").optional(),
    ),
    DRIFTLINE_DEMO: optionalString.pipe(z.enum(["0", "1", "true", "false"]).optional()),
    NEXTAUTH_SECRET: optionalString,
    NEXTAUTH_URL: optionalString.pipe(z.url("must be a URL").optional()),
    GITHUB_ID: optionalString,
    GITHUB_SECRET: optionalString,
    OIDC_ISSUER: optionalString.pipe(z.url("must be a URL").optional()),
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_NAME: optionalString,
    DRIFTLINE_DEMO_DAYS: optionalString.pipe(
      z.string().regex(/^([1-9]|[1-9]\d|[1-2]\d\d|3[0-5]\d|36[0-5])$/, "must be a whole number of days from 1 to 365").transform(Number).optional(),
    ),
    DRIFTLINE_DEMO_PER_DAY: optionalString.pipe(
      z.string().regex(/^[1-9]\d{0,4}$/, "must be a whole number of traces per day from 1 to 99999").transform(Number).optional(),
    ),
    DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS: optionalString.pipe(z.enum(["0", "1", "true", "false"], "must be 1 or 0").optional()),
    DRIFTLINE_ALLOW_PRIVATE_LLM: optionalString.pipe(z.enum(["0", "1", "true", "false"], "must be 1 or 0").optional()),
    DRIFTLINE_SECRET_KEY: optionalString.pipe(z.string().min(32, "must be at least 32 characters (e.g. openssl rand -base64 32)").optional()),
    DRIFTLINE_JOBS: optionalString.pipe(z.enum(["on", "off"], "must be on or off").optional()),
    DRIFTLINE_STATS_THREAD: optionalString.pipe(z.enum(["on", "off"], "must be on or off").optional()),
    DRIFTLINE_RATE_LIMIT: optionalString.pipe(
      z
        .string()
        .regex(/^\d+$/, "must be a whole number of requests per second per API key (0 turns the limit off)")
        .transform(Number)
        .optional(),
    ),
    DRIFTLINE_JOB_LEASE_SECONDS: optionalString.pipe(
      z
        .string()
        .regex(/^[1-9]\d{0,5}$/, "must be a whole number of seconds from 1 to 999999")
        .transform(Number)
        .optional(),
    ),
    DRIFTLINE_SESSION_MAX_AGE_HOURS: optionalString.pipe(
      z
        .string()
        .regex(/^[1-9]\d*$/, "must be a positive whole number of hours")
        .transform(Number)
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    const pairs: Array<[keyof typeof env, keyof typeof env]> = [
      ["DRIFTLINE_INIT_ADMIN_EMAIL", "DRIFTLINE_INIT_ADMIN_PASSWORD"],
      ["DRIFTLINE_INIT_ADMIN_PASSWORD", "DRIFTLINE_INIT_ADMIN_EMAIL"],
      ["DRIFTLINE_INIT_API_KEY", "DRIFTLINE_INIT_PROJECT"],
      ["GITHUB_ID", "GITHUB_SECRET"],
      ["GITHUB_SECRET", "GITHUB_ID"],
      ["OIDC_CLIENT_ID", "OIDC_ISSUER"],
      ["OIDC_ISSUER", "OIDC_CLIENT_ID"],
      ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"],
      ["DATABASE_READ_URL", "DATABASE_URL"],
    ];
    for (const [given, needed] of pairs) {
      if (env[given] !== undefined && env[needed] === undefined) {
        ctx.addIssue({ code: "custom", path: [needed], message: `is required when ${given} is set` });
      }
    }
  });

export type DriftlineEnv = z.output<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: Array<{ variable: string; message: string }>) {
    super(
      "Invalid Driftline configuration:\n" +
        problems.map((p) => `  ${p.variable} ${p.message}`).join("\n") +
        "\nSee README.md, section Configuration.",
    );
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined> = process.env): DriftlineEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? "environment"),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

let cached: DriftlineEnv | undefined;
export function env(): DriftlineEnv {
  cached ??= parseEnv();
  return cached;
}

/** DRIFTLINE_JOB_LEASE_SECONDS in milliseconds, or undefined for each job's own default. */
export function jobLeaseMs(): number | undefined {
  const seconds = env().DRIFTLINE_JOB_LEASE_SECONDS;
  return seconds === undefined ? undefined : seconds * 1000;
}
