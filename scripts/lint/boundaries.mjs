#!/usr/bin/env node
// Checks the room rules of .dependency-cruiser.cjs through dependency-cruiser's API
// (its command-line wrapper refuses Node 20, which Driftline supports; the API runs there).
//   node scripts/lint/boundaries.mjs             report violations not in the known list; exit 1 on any
//   node scripts/lint/boundaries.mjs --baseline  rewrite .dependency-cruiser-known-violations.json
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { cruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

export const ROOTS = ["app", "components", "lib", "db", "scripts", "tests", "testing", "e2e", "bin"];
const KNOWN = ".dependency-cruiser-known-violations.json";

export async function checkBoundaries({ roots = ROOTS, config = "./.dependency-cruiser.cjs", known, baseDir } = {}) {
  const options = await extractDepcruiseOptions(config);
  if (baseDir) options.baseDir = baseDir;
  if (known) options.knownViolations = known;
  options.validate = true;
  options.outputType = "json";
  const tsConfig = extractTSConfig(options.tsConfig?.fileName ?? "tsconfig.json");
  const result = await cruise(roots.filter((root) => existsSync(baseDir ? `${baseDir}/${root}` : root)), options, undefined, { tsConfig });
  const output = typeof result.output === "string" ? JSON.parse(result.output) : result.output;
  return output.summary.violations.filter((v) => v.rule.severity !== "ignore");
}

async function main() {
  if (process.argv.includes("--baseline")) {
    const all = await checkBoundaries();
    writeFileSync(KNOWN, JSON.stringify(all.map(({ type, from, to, rule, cycle }) => ({ type, from, to, rule, ...(cycle ? { cycle } : {}) })), null, 2) + "\n");
    console.log(`${all.length} known violation(s) written to ${KNOWN}`);
    return;
  }
  const known = existsSync(KNOWN) ? JSON.parse(readFileSync(KNOWN, "utf8")) : [];
  const violations = await checkBoundaries({ known });
  for (const v of violations) {
    const via = v.cycle ? ` (circle: ${v.cycle.map((c) => c.name ?? c).join(" → ")})` : "";
    console.error(`${v.rule.severity}  ${v.rule.name}: ${v.from} → ${v.to}${via}`);
  }
  console.log(`boundaries: ${violations.length} violation(s), ${known.length} known and ignored`);
  if (violations.length > 0) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
