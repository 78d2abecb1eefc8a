/**
 * The client snippets of docs/clients.md, run as their readers run them: each
 * `<!-- snippet: id -->` block is a whole program, fed to `node` (ES module,
 * resolved from the repository, where the client packages are dev
 * dependencies) or `bash`, with the environment the page asks for.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

export type Snippet = { id: string; language: string; code: string };

const DOC = path.resolve("docs/clients.md");

export function readSnippets(file = DOC): Map<string, Snippet> {
  const text = readFileSync(file, "utf8");
  const out = new Map<string, Snippet>();
  const re = /<!-- snippet: ([a-z0-9-]+) -->\s*\n```([a-z]+)\n([\s\S]*?)\n```/g;
  for (const m of text.matchAll(re)) out.set(m[1]!, { id: m[1]!, language: m[2]!, code: m[3]! });
  return out;
}

/**
 * The AI SDK 6 snippet imports `ai` and `@ai-sdk/openai` as its readers
 * install them; here v7 holds those names and the v6 line is installed under
 * aliases, so its imports are pointed there. Nothing else is changed.
 */
const ALIASES: Record<string, Record<string, string>> = {
  "ai-sdk-6": { ai: "ai-v6", "@ai-sdk/openai": "ai-sdk-openai-v3" },
};

export function programOf(snippet: Snippet): string {
  let code = snippet.code;
  for (const [from, to] of Object.entries(ALIASES[snippet.id] ?? {})) {
    code = code.replaceAll(`from "${from}"`, `from "${to}"`);
  }
  return code;
}

export type SnippetRun = { exitCode: number | null; stdout: string; stderr: string };

export async function runSnippet(snippet: Snippet, env: Record<string, string>, timeoutMs = 60_000): Promise<SnippetRun> {
  const [command, args] =
    snippet.language === "js" ? [process.execPath, ["--input-type=module", "--no-warnings"]] : snippet.language === "bash" ? ["bash", ["-s"]] : [null, []];
  if (!command) throw new Error(`snippet ${snippet.id}: ${snippet.language} is not runnable`);
  const child = spawn(command, args as string[], { cwd: path.resolve("."), env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(programOf(snippet));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const exitCode = await new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  clearTimeout(timer);
  return { exitCode, stdout, stderr };
}
