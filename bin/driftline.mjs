#!/usr/bin/env node
// The `driftline` command (`npx driftline …`). The CLI is written in
// TypeScript; tsx (a dependency) loads it without a separate build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
