/**
 * Builds a BERT encoder with the exact shape of sentence-transformers/all-MiniLM-L6-v2 and random
 * weights, for benchmarking a transformer model where none can be downloaded.
 *
 *   npx tsx scripts/models/build-minilm-shaped.ts [--out .data/models/minilm-shaped] [--seed 1]
 *       [--vocab 30522] [--hidden 384] [--layers 6] [--heads 12] [--intermediate 1536] [--max-positions 512]
 *
 * Output (a folder transformers.js loads with `pipeline('feature-extraction', dir)`):
 *   onnx/model.onnx        input_ids, attention_mask, token_type_ids [batch, seq] int64
 *                          → last_hidden_state [batch, seq, hidden] float32  (≈90 MB at the default shape)
 *   tokenizer.json         BERT uncased normaliser and pre-tokeniser, WordPiece with "##" sub-word pieces
 *   tokenizer_config.json  config.json  README.md
 *
 * The graph is the BERT encoder as exported from PyTorch, written out op by op (opset 20):
 * word + position + token-type embeddings (Gather / Slice) → LayerNormalization; per layer Q/K/V
 * MatMul + Add, reshape/transpose to heads, QKᵀ / √d + additive attention mask, Softmax, context
 * MatMul, output projection, residual + LayerNorm, FFN with Gelu (erf form), residual + LayerNorm.
 * Weights are drawn from N(0, 0.02²) (BERT's initializer_range), biases 0, LayerNorm γ = 1, β = 0, so
 * every activation stays finite. The vectors mean nothing; the cost of computing them is the real
 * cost of a MiniLM-L6 forward pass.
 *
 * The vocabulary is built from the bundled static model's word list (frequency-ordered GloVe words,
 * committed in the repository): the special tokens, every character and its "##" form, the most
 * frequent word-internal character runs as "##" pieces (≈19 % of the vocabulary, as in BERT uncased),
 * and the most frequent whole words. Out-of-vocabulary words are split into pieces by WordPiece, so
 * tokenising costs what it costs for a real BERT vocabulary.
 *
 * The output is a pure function of the flags: same bytes on every run.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { endianness } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bertTemplateProcessor } from "./bert-tokenizer";
import { AttributeType, DataType, encodeModelProto, metadataEntries, tensorValueInfo, type OnnxAttribute, type OnnxInitializer, type OnnxNode } from "./onnx-proto";

export interface EncoderShape {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  maxPositions: number;
}

/** all-MiniLM-L6-v2's config.json. */
export const MINILM_L6_SHAPE: EncoderShape = {
  vocabSize: 30522,
  hiddenSize: 384,
  layers: 6,
  heads: 12,
  intermediateSize: 1536,
  maxPositions: 512,
};

export interface MiniLmBuildOptions {
  outDir: string;
  shape: EncoderShape;
  seed: number;
  /** A tokenizer.json whose WordPiece vocabulary lists words in frequency order (the bundled model's). */
  wordSource: string;
  name: string;
}

export interface MiniLmBuildResult {
  parameters: number;
  vocabulary: { special: number; characters: number; pieces: number; words: number };
  files: Record<string, { bytes: number; sha256: string }>;
}

/** Bumped whenever the generator's output changes for the same options. */
export const GENERATOR_VERSION = 1;
const TYPE_VOCAB_SIZE = 2;
const LAYER_NORM_EPS = 1e-12;
const INITIALIZER_RANGE = 0.02;
/** BERT's additive mask value for padded keys: exp(-10000) is 0 in float32. */
const MASKED_SCORE = -10000;
const OPSET = 20; // Gelu joined the default domain in opset 20
const IR_VERSION = 9;
const SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;
/** Share of "##" pieces in bert-base-uncased's vocabulary (5,828 of 30,522). */
const PIECE_SHARE = 0.19;

export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const DEFAULT_MINILM_DIR = join(repoRoot, ".data", "models", "minilm-shaped");
export const DEFAULT_WORD_SOURCE = join(repoRoot, "models", "driftline-glove-100d", "tokenizer.json");

export function defaultMiniLmOptions(outDir = DEFAULT_MINILM_DIR): MiniLmBuildOptions {
  return { outDir, shape: { ...MINILM_L6_SHAPE }, seed: 1, wordSource: DEFAULT_WORD_SOURCE, name: "minilm-shaped" };
}

// ---------------------------------------------------------------------------------------------
// Deterministic random weights

/** mulberry32: a small, fast 32-bit generator; plenty for weights nobody trains. */
function uniformSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N(0, std²) values by Box–Muller, two per pair of uniforms. */
function normalFill(out: Float32Array, std: number, uniform: () => number): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - uniform(); // (0, 1]
    const r = std * Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Graph

function floatBytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function int64Bytes(values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return bytes;
}

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  parameters = 0;

  constructor(private readonly uniform: () => number) {}

  op(opType: string, name: string, input: string[], attribute: OnnxAttribute[] = []): string {
    this.nodes.push({ name, opType, input, output: [name], attribute });
    return name;
  }

  floats(name: string, dims: number[], values: Float32Array): string {
    this.initializers.push({ name, dims, dataType: DataType.FLOAT, rawData: floatBytes(values) });
    return name;
  }

  ints(name: string, dims: number[], values: number[]): string {
    this.initializers.push({ name, dims, dataType: DataType.INT64, rawData: int64Bytes(values) });
    return name;
  }

  /** A trained-size parameter: random (BERT init), zeros or ones. */
  weight(name: string, dims: number[], init: "normal" | "zeros" | "ones"): string {
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
    if (init === "normal") normalFill(values, INITIALIZER_RANGE, this.uniform);
    else if (init === "ones") values.fill(1);
    this.parameters += values.length;
    return this.floats(name, dims, values);
  }

  linear(prefix: string, input: string, inSize: number, outSize: number): string {
    const w = this.weight(`${prefix}.weight`, [inSize, outSize], "normal");
    const b = this.weight(`${prefix}.bias`, [outSize], "zeros");
    return this.op("Add", `${prefix}.out`, [this.op("MatMul", `${prefix}.matmul`, [input, w]), b]);
  }

  layerNorm(prefix: string, input: string, size: number): string {
    const gamma = this.weight(`${prefix}.weight`, [size], "ones");
    const beta = this.weight(`${prefix}.bias`, [size], "zeros");
    return this.op("LayerNormalization", `${prefix}.out`, [input, gamma, beta], [
      { name: "axis", type: AttributeType.INT, i: -1 },
      { name: "epsilon", type: AttributeType.FLOAT, f: LAYER_NORM_EPS },
    ]);
  }
}

const intAttr = (name: string, i: number): OnnxAttribute => ({ name, type: AttributeType.INT, i });
const intsAttr = (name: string, ints: number[]): OnnxAttribute => ({ name, type: AttributeType.INTS, ints });

/** The BERT encoder graph of `shape` with weights drawn from `seed`, serialised as ONNX. */
export function encodeEncoderModel(shape: EncoderShape, seed: number, metadata: Record<string, string>): { bytes: Uint8Array; parameters: number } {
  const { vocabSize, hiddenSize, layers, heads, intermediateSize, maxPositions } = shape;
  if (hiddenSize % heads !== 0) throw new Error(`hidden size ${hiddenSize} is not a multiple of ${heads} heads`);
  const headSize = hiddenSize / heads;
  const g = new GraphBuilder(uniformSource(seed));

  // Constants.
  const zero1d = g.ints("const.zero_1d", [1], [0]);
  const splitHeads = g.ints("const.split_heads_shape", [4], [0, 0, heads, headSize]);
  const mergeHeads = g.ints("const.merge_heads_shape", [3], [0, 0, hiddenSize]);
  const maskAxes = g.ints("const.mask_axes", [2], [1, 2]);
  const one = g.floats("const.one", [], Float32Array.of(1));
  const maskedScore = g.floats("const.masked_score", [], Float32Array.of(MASKED_SCORE));
  const scoreScale = g.floats("const.score_scale", [], Float32Array.of(1 / Math.sqrt(headSize)));

  // Embeddings: word + position (the first seq rows of the table) + token type, then LayerNorm.
  const wordTable = g.weight("embeddings.word_embeddings.weight", [vocabSize, hiddenSize], "normal");
  const positionTable = g.weight("embeddings.position_embeddings.weight", [maxPositions, hiddenSize], "normal");
  const typeTable = g.weight("embeddings.token_type_embeddings.weight", [TYPE_VOCAB_SIZE, hiddenSize], "normal");
  const words = g.op("Gather", "embeddings.words", [wordTable, "input_ids"], [intAttr("axis", 0)]);
  const seqLength = g.op("Shape", "embeddings.seq_length", ["input_ids"], [intAttr("start", 1), intAttr("end", 2)]);
  const positions = g.op("Slice", "embeddings.positions", [positionTable, zero1d, seqLength, zero1d]);
  const types = g.op("Gather", "embeddings.types", [typeTable, "token_type_ids"], [intAttr("axis", 0)]);
  const summed = g.op("Add", "embeddings.sum", [g.op("Add", "embeddings.words_positions", [words, positions]), types]);
  let hidden = g.layerNorm("embeddings.LayerNorm", summed, hiddenSize);

  // Additive mask [batch, 1, 1, seq]: 0 for real tokens, MASKED_SCORE for padding.
  const maskFloat = g.op("Cast", "mask.float", ["attention_mask"], [intAttr("to", DataType.FLOAT)]);
  const mask4d = g.op("Unsqueeze", "mask.4d", [maskFloat, maskAxes]);
  const maskBias = g.op("Mul", "mask.bias", [g.op("Sub", "mask.inverted", [one, mask4d]), maskedScore]);

  for (let l = 0; l < layers; l++) {
    const p = `encoder.layer.${l}`;
    const toHeads = (name: string, perm: number[]) => {
      const projected = g.linear(`${p}.attention.self.${name}`, hidden, hiddenSize, hiddenSize);
      const split = g.op("Reshape", `${p}.attention.self.${name}.split`, [projected, splitHeads]);
      return g.op("Transpose", `${p}.attention.self.${name}.heads`, [split], [intsAttr("perm", perm)]);
    };
    const query = toHeads("query", [0, 2, 1, 3]); // [batch, heads, seq, head]
    const keyT = toHeads("key", [0, 2, 3, 1]); // [batch, heads, head, seq]
    const value = toHeads("value", [0, 2, 1, 3]);
    const scores = g.op("MatMul", `${p}.attention.self.scores`, [query, keyT]);
    const scaled = g.op("Mul", `${p}.attention.self.scaled`, [scores, scoreScale]);
    const masked = g.op("Add", `${p}.attention.self.masked`, [scaled, maskBias]);
    const probs = g.op("Softmax", `${p}.attention.self.probs`, [masked], [intAttr("axis", -1)]);
    const context = g.op("MatMul", `${p}.attention.self.context`, [probs, value]);
    const contextT = g.op("Transpose", `${p}.attention.self.context_t`, [context], [intsAttr("perm", [0, 2, 1, 3])]);
    const merged = g.op("Reshape", `${p}.attention.self.merged`, [contextT, mergeHeads]);
    const attended = g.linear(`${p}.attention.output.dense`, merged, hiddenSize, hiddenSize);
    const attentionOut = g.layerNorm(`${p}.attention.output.LayerNorm`, g.op("Add", `${p}.attention.output.residual`, [attended, hidden]), hiddenSize);
    const intermediate = g.linear(`${p}.intermediate.dense`, attentionOut, hiddenSize, intermediateSize);
    const activated = g.op("Gelu", `${p}.intermediate.gelu`, [intermediate]);
    const output = g.linear(`${p}.output.dense`, activated, intermediateSize, hiddenSize);
    hidden = g.layerNorm(`${p}.output.LayerNorm`, g.op("Add", `${p}.output.residual`, [output, attentionOut]), hiddenSize);
  }
  g.nodes.push({ name: "last_hidden_state", opType: "Identity", input: [hidden], output: ["last_hidden_state"], attribute: [] });

  const io = (name: string) => tensorValueInfo(name, DataType.INT64, ["batch_size", "sequence_length"]);
  const bytes = encodeModelProto({
    irVersion: IR_VERSION,
    producerName: "driftline/scripts/models/build-minilm-shaped.ts",
    producerVersion: String(GENERATOR_VERSION),
    docString: "BERT encoder of MiniLM shape with random weights, for benchmarks only: its vectors carry no meaning.",
    opsetImport: [{ domain: "", version: OPSET }],
    metadataProps: metadataEntries(metadata),
    graph: {
      name: "bert_encoder",
      node: g.nodes,
      initializer: g.initializers,
      input: [io("input_ids"), io("attention_mask"), io("token_type_ids")],
      output: [tensorValueInfo("last_hidden_state", DataType.FLOAT, ["batch_size", "sequence_length", hiddenSize])],
    },
  });
  return { bytes, parameters: g.parameters };
}

// ---------------------------------------------------------------------------------------------
// Vocabulary and tokenizer

/** The source's words in id order, special tokens left out. */
function readSourceWords(wordSource: string): string[] {
  const vocab = (JSON.parse(readFileSync(wordSource, "utf8")) as { model?: { vocab?: Record<string, number> } }).model?.vocab;
  if (!vocab) throw new Error(`${wordSource} has no WordPiece vocabulary`);
  return Object.entries(vocab)
    .sort((a, b) => a[1] - b[1])
    .map(([token]) => token)
    .filter((token) => !/^\[[A-Z]+\]$/.test(token) && !token.startsWith("##"));
}

/**
 * Special tokens, single characters (bare and "##"), the most frequent word-internal runs of 2–6
 * characters as "##" pieces, then whole words by frequency until `size` entries.
 */
export function buildWordPieceVocabulary(sourceWords: string[], size: number): { tokens: string[]; counts: MiniLmBuildResult["vocabulary"] } {
  const tokens: string[] = [...SPECIAL_TOKENS];
  const seen = new Set<string>(tokens);
  const add = (token: string) => {
    if (tokens.length < size && !seen.has(token)) {
      seen.add(token);
      tokens.push(token);
    }
  };
  const characters = [...new Set(sourceWords.join(""))].sort();
  for (const c of characters) add(c);
  for (const c of characters) if (/^[a-z0-9]$/.test(c)) add(`##${c}`);
  const characterCount = tokens.length - SPECIAL_TOKENS.length;

  const runs = new Map<string, number>();
  for (const word of sourceWords) {
    for (let start = 1; start < word.length; start++) {
      for (let len = 2; len <= 6 && start + len <= word.length; len++) {
        const run = word.slice(start, start + len);
        runs.set(run, (runs.get(run) ?? 0) + 1);
      }
    }
  }
  const pieceBudget = Math.round(size * PIECE_SHARE);
  const pieces = [...runs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, pieceBudget);
  for (const [run] of pieces) add(`##${run}`);
  const pieceCount = tokens.length - SPECIAL_TOKENS.length - characterCount;

  for (const word of sourceWords) add(word);
  if (tokens.length < size) throw new Error(`the word source has too few words for a vocabulary of ${size}`);
  return {
    tokens,
    counts: { special: SPECIAL_TOKENS.length, characters: characterCount, pieces: pieceCount, words: size - SPECIAL_TOKENS.length - characterCount - pieceCount },
  };
}

/** tokenizer.json in the layout of all-MiniLM-L6-v2's (bert-base-uncased's) tokenizer. */
function tokenizerJson(tokens: string[]): string {
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => (vocab[token] = id));
  const special = (content: string) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return JSON.stringify({
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map(special),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: bertTemplateProcessor(vocab["[CLS]"], vocab["[SEP]"]),
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  });
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** What config.json records about the build; a folder whose record differs is rebuilt by `ensureMiniLmShapedModel`. */
function buildRecord(options: MiniLmBuildOptions, wordSourceSha: string) {
  return { kind: "random-weights-benchmark-model", generator_version: GENERATOR_VERSION, seed: options.seed, word_source_sha256: wordSourceSha, shape: options.shape };
}

function sha256(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** Vocabularies already built in this process, by word-source hash and size (counting runs takes ~1 s). */
const vocabularies = new Map<string, ReturnType<typeof buildWordPieceVocabulary>>();

export function buildMiniLmShapedModel(options: MiniLmBuildOptions): MiniLmBuildResult {
  if (endianness() !== "LE") throw new Error("the generator writes raw little-endian float32 weights and needs a little-endian machine");
  const { shape } = options;
  const wordSourceSha = sha256(readFileSync(options.wordSource));
  const vocabularyKey = `${wordSourceSha}:${shape.vocabSize}`;
  let vocabulary = vocabularies.get(vocabularyKey);
  if (!vocabulary) vocabularies.set(vocabularyKey, (vocabulary = buildWordPieceVocabulary(readSourceWords(options.wordSource), shape.vocabSize)));
  const { tokens, counts } = vocabulary;
  const record = buildRecord(options, wordSourceSha);
  const { bytes, parameters } = encodeEncoderModel(shape, options.seed, {
    "driftline.kind": record.kind,
    "driftline.seed": String(options.seed),
    "driftline.generator_version": String(GENERATOR_VERSION),
  });
  const files: Record<string, string | Uint8Array> = {
    "onnx/model.onnx": bytes,
    "tokenizer.json": tokenizerJson(tokens),
    "tokenizer_config.json": json({
      tokenizer_class: "BertTokenizer",
      do_lower_case: true,
      model_max_length: shape.maxPositions,
      unk_token: "[UNK]",
      pad_token: "[PAD]",
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      mask_token: "[MASK]",
      clean_up_tokenization_spaces: true,
      strip_accents: null,
      tokenize_chinese_chars: true,
    }),
    "config.json": json({
      _name_or_path: options.name,
      architectures: ["BertModel"],
      model_type: "bert",
      attention_probs_dropout_prob: 0.1,
      hidden_act: "gelu",
      hidden_dropout_prob: 0.1,
      hidden_size: shape.hiddenSize,
      initializer_range: INITIALIZER_RANGE,
      intermediate_size: shape.intermediateSize,
      layer_norm_eps: LAYER_NORM_EPS,
      max_position_embeddings: shape.maxPositions,
      num_attention_heads: shape.heads,
      num_hidden_layers: shape.layers,
      pad_token_id: 0,
      position_embedding_type: "absolute",
      type_vocab_size: TYPE_VOCAB_SIZE,
      vocab_size: shape.vocabSize,
      "transformers.js_config": { dtype: "fp32" },
      driftline: record,
    }),
    "README.md": `# ${options.name}

Generated by \`scripts/models/build-minilm-shaped.ts\` for benchmarks. **Random weights: the vectors carry no
meaning — never embed real data with it.** Shape: vocabulary ${shape.vocabSize}, hidden ${shape.hiddenSize},
${shape.layers} layers, ${shape.heads} heads, intermediate ${shape.intermediateSize}, ${shape.maxPositions} positions
(${parameters.toLocaleString("en")} parameters), seed ${options.seed}.
`,
  };
  rmSync(join(options.outDir, "onnx"), { recursive: true, force: true });
  mkdirSync(join(options.outDir, "onnx"), { recursive: true });
  const result: MiniLmBuildResult = { parameters, vocabulary: counts, files: {} };
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(options.outDir, name), content);
    result.files[name] = { bytes: typeof content === "string" ? Buffer.byteLength(content) : content.byteLength, sha256: sha256(content) };
  }
  return result;
}

/**
 * The model folder for `options`, built only if it is missing or was built with other options or
 * by another generator version. Returns whether it was built.
 */
export function ensureMiniLmShapedModel(options: MiniLmBuildOptions): boolean {
  const configPath = join(options.outDir, "config.json");
  if (existsSync(configPath) && existsSync(join(options.outDir, "onnx", "model.onnx"))) {
    const stored = (JSON.parse(readFileSync(configPath, "utf8")) as { driftline?: unknown }).driftline;
    const wanted = buildRecord(options, sha256(readFileSync(options.wordSource)));
    if (JSON.stringify(stored) === JSON.stringify(wanted)) return false;
  }
  buildMiniLmShapedModel(options);
  return true;
}

function parseArgs(argv: string[]): MiniLmBuildOptions {
  const options = defaultMiniLmOptions();
  const shapeFlags: Record<string, keyof EncoderShape> = {
    "--vocab": "vocabSize",
    "--hidden": "hiddenSize",
    "--layers": "layers",
    "--heads": "heads",
    "--intermediate": "intermediateSize",
    "--max-positions": "maxPositions",
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const positiveInteger = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer`);
      return n;
    };
    const shapeKey = shapeFlags[flag];
    if (shapeKey) options.shape[shapeKey] = positiveInteger();
    else if (flag === "--out") options.outDir = resolve(value());
    else if (flag === "--seed") options.seed = positiveInteger();
    else if (flag === "--words") options.wordSource = resolve(value());
    else if (flag === "--name") options.name = value();
    else throw new Error(`unknown argument ${flag}`);
  }
  return options;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const options = parseArgs(process.argv.slice(2));
    const started = performance.now();
    const result = buildMiniLmShapedModel(options);
    console.log(JSON.stringify({ outDir: options.outDir, seconds: Number(((performance.now() - started) / 1000).toFixed(1)), ...result }, null, 2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
