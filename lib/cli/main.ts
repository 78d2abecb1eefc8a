import { runCompare } from "./commands/compare";

type Command = {
  summary: string;
  run(argv: string[]): Promise<number>;
};

const io = { stdout: process.stdout, stderr: process.stderr };

/**
 * Subcommands load their modules lazily, so `driftline compare` never opens a
 * database and `driftline keys` never loads a model.
 */
const COMMANDS: Record<string, Command> = {
  compare: {
    summary: "compare two JSON Lines samples offline (numeric, categorical, embedding or text)",
    async run(argv) {
      // Loaded on the first `--kind text` sample only, and once for both samples.
      let embedder: Promise<import("@/lib/embeddings").Embedder> | undefined;
      try {
        return await runCompare(argv, {
          ...io,
          async embedTexts(texts) {
            embedder ??= import("@/lib/embeddings").then(({ createEmbedder }) => createEmbedder({ worker: false }));
            const model = await embedder;
            io.stderr.write(`embedding ${texts.length} texts with ${model.modelId}\n`);
            return (await model.embed(texts)).map((v) => Array.from(v));
          },
        });
      } finally {
        if (embedder) await (await embedder).close();
      }
    },
  },
  eval: {
    summary: "score response/reference pairs offline (BLEU, chrF, ROUGE, SemScore, heuristics) for CI gates",
    async run(argv) {
      const { runEval } = await import("./commands/eval");
      return runEval(argv, {
        ...io,
        loadEmbedder: async () => (await import("@/lib/embeddings")).createEmbedder({ worker: false }),
      });
    },
  },
  keys: {
    summary: "create, list and revoke project API keys",
    run: async (argv) => (await import("./commands/keys")).runKeys(argv, io),
  },
  demo: {
    summary: "write 30 days of demo traffic with known drift events into a demo project",
    run: async (argv) => (await import("./commands/demo")).runDemo(argv, io),
  },
  embed: {
    summary: "embed the backlog now, or re-embed history with --backfill [--model M]",
    run: async (argv) => (await import("./commands/embed")).runEmbed(argv, io),
  },
  evals: {
    summary: "score stored traces with an evaluator now: evals backfill --evaluator <name|id>",
    run: async (argv) => (await import("./commands/evals")).runEvals(argv, io),
  },
  datasets: {
    summary: "upload a golden set: datasets import FILE --name X (JSONL, CSV or JSON)",
    run: async (argv) => (await import("./commands/evals")).runDatasets(argv, io),
  },
  monitors: {
    summary: "backfill monitors' series over stored traces, or run due monitor windows now",
    run: async (argv) => (await import("./commands/monitors")).runMonitors(argv, io),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "usage: driftline <command> [options]",
    "",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `driftline <command> --help` for a command's options.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`driftline: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    io.stderr.write(`driftline ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
