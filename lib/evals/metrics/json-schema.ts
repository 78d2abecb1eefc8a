/**
 * JSON Schema validation for structured output, with Ajv 8 (draft-07 by default; draft 2019-09 or
 * 2020-12 when the schema's `$schema` says so) and ajv-formats. The schema's `pattern` keywords go
 * through the same guard as the regex metric, so a schema cannot smuggle in a catastrophic pattern.
 */
import { Ajv, type AnySchema, type Options } from "ajv";
import { Ajv2019 } from "ajv/dist/2019";
import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { regexProblem } from "./safe-regex";

const options: Options = {
  allErrors: false,
  strict: false,
  // Remote references are never fetched: a schema must be self-contained.
  loadSchema: undefined,
  code: {
    regExp: Object.assign(
      (pattern: string, flags: string) => {
        const problem = regexProblem(pattern, flags);
        if (problem) throw new Error(`pattern ${JSON.stringify(pattern)}: ${problem}`);
        return new RegExp(pattern, flags);
      },
      { code: "new RegExp" },
    ),
  },
};

function ajvFor(schema: Record<string, unknown>): Ajv {
  const dialect = typeof schema.$schema === "string" ? schema.$schema : "";
  const ajv = dialect.includes("2020-12") ? new Ajv2020(options) : dialect.includes("2019-09") ? new Ajv2019(options) : new Ajv(options);
  addFormats(ajv);
  return ajv;
}

/** Compiles the schema once; the returned function tells whether a parsed value is valid. */
export function compileJsonSchema(schema: Record<string, unknown>): (value: unknown) => boolean {
  const validate = ajvFor(schema).compile(schema as AnySchema);
  return (value) => validate(value) === true;
}

/** Why the schema cannot be compiled, or null. */
export function jsonSchemaProblem(schema: Record<string, unknown>): string | null {
  try {
    compileJsonSchema(schema);
    return null;
  } catch (error) {
    return `not a usable JSON Schema: ${(error as Error).message}`;
  }
}
