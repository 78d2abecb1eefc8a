import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

function problems(source: Record<string, string>): Array<{ variable: string; message: string }> {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseEnv", () => {
  it("accepts an empty environment (embedded database, no bootstrap)", () => {
    const parsed = parseEnv({});
    expect(parsed.DATABASE_URL).toBeUndefined();
    expect(parsed.DRIFTLINE_INIT_PROJECT).toBeUndefined();
  });

  it("reads the job lease in seconds and names a bad one", () => {
    expect(parseEnv({ DRIFTLINE_JOB_LEASE_SECONDS: "30" }).DRIFTLINE_JOB_LEASE_SECONDS).toBe(30);
    expect(parseEnv({}).DRIFTLINE_JOB_LEASE_SECONDS).toBeUndefined();
    for (const bad of ["0", "-5", "1.5", "soon"]) {
      expect(problems({ DRIFTLINE_JOB_LEASE_SECONDS: bad })).toEqual([
        { variable: "DRIFTLINE_JOB_LEASE_SECONDS", message: "must be a whole number of seconds from 1 to 999999" },
      ]);
    }
  });

  it("treats blank values as unset", () => {
    expect(parseEnv({ DATABASE_URL: "  ", DRIFTLINE_INIT_PROJECT: "" }).DATABASE_URL).toBeUndefined();
  });

  it("names each malformed variable", () => {
    expect(
      problems({
        DATABASE_URL: "mysql://x",
        DRIFTLINE_INIT_ADMIN_EMAIL: "not-an-email",
        DRIFTLINE_INIT_ADMIN_PASSWORD: "short",
        DRIFTLINE_INIT_PROJECT: "Bad Slug",
        DRIFTLINE_SESSION_MAX_AGE_HOURS: "-3",
      }).map((p) => p.variable),
    ).toEqual([
      "DATABASE_URL",
      "DRIFTLINE_INIT_ADMIN_EMAIL",
      "DRIFTLINE_INIT_ADMIN_PASSWORD",
      "DRIFTLINE_INIT_PROJECT",
      "DRIFTLINE_SESSION_MAX_AGE_HOURS",
    ]);
  });

  it("requires the partner of a paired variable", () => {
    expect(problems({ DRIFTLINE_INIT_ADMIN_EMAIL: "ops@example.com" })).toEqual([
      { variable: "DRIFTLINE_INIT_ADMIN_PASSWORD", message: "is required when DRIFTLINE_INIT_ADMIN_EMAIL is set" },
    ]);
    expect(problems({ DRIFTLINE_INIT_API_KEY: "dl_0123456789abcdef" })[0]?.variable).toBe("DRIFTLINE_INIT_PROJECT");
  });

  it("says which variable is wrong in the error message", () => {
    expect(() => parseEnv({ DRIFTLINE_INIT_PROJECT: "UPPER" })).toThrow(/DRIFTLINE_INIT_PROJECT must be a slug/);
  });

  it("parses the session lifetime as a number", () => {
    expect(parseEnv({ DRIFTLINE_SESSION_MAX_AGE_HOURS: "12" }).DRIFTLINE_SESSION_MAX_AGE_HOURS).toBe(12);
  });
});
