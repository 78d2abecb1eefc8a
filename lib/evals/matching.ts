import type { DatabaseHandle } from "@/db/client";
import type { Embedder } from "@/lib/embeddings";

/** The golden item a trace was matched to: its expected output is the trace's reference. */
export type GoldenMatch = { itemId: string; expectedOutput: string; similarity: number; exact: boolean };

/** A trace to match: its prompt and the prompt's stored vector (null: not stored; embedded here when needed). */
export type TraceForMatch = { id: string; prompt_text: string | null; prompt_vector: Float32Array | null };

/**
 * Golden sets up to this many items are matched in this process, against their item vectors loaded once per
 * dataset version and embedding model; larger ones by one lateral pgvector query per batch (the vectors of a
 * very large set are not held in memory). 10,000 items of 384 dimensions are 15 MB.
 */
const MATCH_IN_PROCESS_MAX_ITEMS = 10_000;
/** Golden sets kept loaded per database, least recently used dropped first. */
const MATCH_CACHE_DATASETS = 32;

const normalize = (text: string) => text.trim().replace(/\s+/g, " ");
const literal = (v: ArrayLike<number>) => `[${Array.from(v).join(",")}]`;

/** pgvector's text form of a vector (`[0.1,-2,...]`) as a Float32Array (null for none or no dimensions). */
export function parseVector(text: string | null): Float32Array | null {
  if (!text) return null;
  const body = text.slice(1, -1);
  return body === "" ? null : Float32Array.from(body.split(","), Number);
}

type Item = { id: string; input: string; expected_output: string };
/**
 * One golden set as loaded for a dataset version: its items in load order, the first item per normalized
 * input, and (for in-process matching) each item's input vector with the embedding model `modelId`
 * (null until embedded; `embedded[k]` says whether item k was looked at for this model).
 */
type LoadedSet = {
  version: number;
  modelId: number | null;
  items: Item[];
  exact: Map<string, Item>;
  /** False when the set is larger than MATCH_IN_PROCESS_MAX_ITEMS: nearest items are found in SQL. */
  inProcess: boolean;
  /** The item count up to which this load matches in process (MATCH_IN_PROCESS_MAX_ITEMS unless a test sets it). */
  limit: number;
  vectors: Array<Float32Array | null>;
  norms: Float64Array;
  embedded: boolean[];
};

/**
 * Loaded golden sets per database handle, keyed by project and dataset. An entry is used only while the
 * dataset's `version` (bumped in the transaction that adds items; items are never edited) and the embedding
 * model are those it was loaded with, so a changed set is never served stale; item vectors equal what the
 * database holds (an embedding is a pure function of the text and the model).
 */
const loadedSets = new WeakMap<DatabaseHandle, Map<string, LoadedSet>>();

async function loadSet(
  handle: DatabaseHandle,
  projectId: string,
  datasetId: string,
  modelId: number | null,
  options: { inProcessMaxItems?: number },
): Promise<LoadedSet | null> {
  let sets = loadedSets.get(handle);
  if (!sets) loadedSets.set(handle, (sets = new Map()));
  const key = `${projectId}/${datasetId}`;
  const [current] = await handle.query<{ version: number }>(`select version from datasets where project_id = $1 and id = $2`, [projectId, datasetId]);
  if (!current) {
    sets.delete(key);
    return null;
  }
  const cached = sets.get(key);
  if (cached && cached.version === current.version && cached.modelId === modelId && cached.limit === (options.inProcessMaxItems ?? MATCH_IN_PROCESS_MAX_ITEMS)) {
    sets.delete(key); // most recently used last
    sets.set(key, cached);
    return cached;
  }
  // The version and the items in one statement (one snapshot). Vectors only for a set matched in process.
  const rows = await handle.query<{ version: number; size: number; id: string | null; input: string; expected_output: string; vector: string | null; looked: boolean }>(
    `with d as (
       select project_id, id, version,
              (select count(*)::int from dataset_items c where c.project_id = datasets.project_id and c.dataset_id = datasets.id) as size
         from datasets where project_id = $1 and id = $2)
     select d.version, d.size, i.id, i.input, i.expected_output,
            case when d.size <= $4 and i.embedding_model_id = $3 then i.embedding::text end as vector,
            coalesce(i.embedding_model_id = $3, false) as looked
       from d left join dataset_items i on i.project_id = d.project_id and i.dataset_id = d.id`,
    [projectId, datasetId, modelId ?? -1, options.inProcessMaxItems ?? MATCH_IN_PROCESS_MAX_ITEMS],
  );
  if (rows.length === 0) {
    sets.delete(key);
    return null;
  }
  const withItems = rows.filter((r) => r.id !== null);
  const items = withItems.map((r) => ({ id: r.id!, input: r.input, expected_output: r.expected_output }));
  const exact = new Map<string, Item>();
  for (const item of items) if (!exact.has(normalize(item.input))) exact.set(normalize(item.input), item);
  const inProcess = rows[0]!.size <= (options.inProcessMaxItems ?? MATCH_IN_PROCESS_MAX_ITEMS);
  const vectors = inProcess ? withItems.map((r) => parseVector(r.vector)) : [];
  const set: LoadedSet = {
    version: rows[0]!.version,
    modelId,
    items,
    exact,
    inProcess,
    limit: options.inProcessMaxItems ?? MATCH_IN_PROCESS_MAX_ITEMS,
    vectors,
    norms: Float64Array.from(vectors, norm),
    // Embedded with this model (an item whose input has no known token keeps no vector: looked at all the same).
    embedded: withItems.map((r) => r.looked),
  };
  sets.delete(key);
  if (!inProcess) return set; // a large set is read again by the next batch, not held
  sets.set(key, set);
  while (sets.size > MATCH_CACHE_DATASETS) sets.delete(sets.keys().next().value!);
  return set;
}

function norm(v: Float32Array | null): number {
  if (!v) return 0;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/**
 * Matches traces to a golden set: a trace whose prompt equals an item's input
 * (trimmed, runs of white space as one) takes that item, similarity 1 — an
 * exact match always wins; otherwise the item whose input embedding is
 * nearest the prompt's (cosine), when the cosine reaches `threshold`. Items
 * are embedded with `embedder` on first use (and again when the model
 * changes); a trace's prompt vector is the stored one, or embedded here when
 * it has none. Without an embedder only exact matches count. Returns, per
 * trace id, the match or null.
 *
 * A set of up to MATCH_IN_PROCESS_MAX_ITEMS items is loaded once per version
 * and model (docs/evaluations.md, "Golden sets and matching") and matched here (cosine in double precision over the stored
 * single-precision vectors; of equally near items the first loaded wins);
 * a larger one by one lateral pgvector query per call.
 */
export async function matchGoldenItems(
  handle: DatabaseHandle,
  embedder: Embedder | null,
  modelId: number | null,
  request: { projectId: string; datasetId: string; threshold: number; traces: TraceForMatch[] },
  options: { inProcessMaxItems?: number } = {},
): Promise<Map<string, GoldenMatch | null>> {
  const { projectId, datasetId, threshold } = request;
  const out = new Map<string, GoldenMatch | null>();
  const set = await loadSet(handle, projectId, datasetId, modelId, options);
  if (!set) {
    for (const trace of request.traces) out.set(trace.id, null);
    return out;
  }

  const rest: TraceForMatch[] = [];
  for (const trace of request.traces) {
    const hit = trace.prompt_text === null ? undefined : set.exact.get(normalize(trace.prompt_text));
    if (hit) out.set(trace.id, { itemId: hit.id, expectedOutput: hit.expected_output, similarity: 1, exact: true });
    else if (trace.prompt_text === null || trace.prompt_text.trim() === "" || !embedder || modelId === null) out.set(trace.id, null);
    else rest.push(trace);
  }
  if (rest.length === 0 || !embedder || modelId === null) return out;

  const unembedded = set.items.map((item, k) => ({ item, k })).filter(({ k }) => !set.embedded[k]);
  if (unembedded.length > 0) {
    const batch = await embedder.embedBatch(unembedded.map(({ item }) => item.input));
    const keep = unembedded.map(({ item, k }, j) => ({ item, k, vector: batch.empty[j] ? null : batch.vectors[j]! }));
    await handle.query(
      `update dataset_items d set embedding = u.v::vector, embedding_model_id = $4
         from unnest($2::uuid[], $3::text[]) as u(id, v)
        where d.project_id = $1 and d.id = u.id`,
      [projectId, keep.map((k) => k.item.id), keep.map((k) => (k.vector ? literal(k.vector) : null)), modelId],
    );
    for (const { k, vector } of keep) {
      set.embedded[k] = true;
      if (set.inProcess) {
        // The vector as stored (single precision), so it equals one loaded from the database later.
        set.vectors[k] = vector ? Float32Array.from(vector) : null;
        set.norms[k] = norm(set.vectors[k]!);
      }
    }
  }
  const missing = rest.filter((t) => !t.prompt_vector);
  if (missing.length > 0) {
    const batch = await embedder.embedBatch(missing.map((t) => t.prompt_text!));
    missing.forEach((t, k) => {
      t.prompt_vector = batch.empty[k] ? null : Float32Array.from(batch.vectors[k]!);
    });
  }
  const queries = rest.filter((t) => t.prompt_vector);
  for (const t of rest) if (!t.prompt_vector) out.set(t.id, null);
  if (queries.length === 0) return out;

  if (set.inProcess) {
    for (const t of queries) {
      const nearest = nearestItem(set, t.prompt_vector!);
      out.set(
        t.id,
        nearest && nearest.similarity >= threshold
          ? { itemId: set.items[nearest.k]!.id, expectedOutput: set.items[nearest.k]!.expected_output, similarity: nearest.similarity, exact: false }
          : null,
      );
    }
    return out;
  }
  const nearest = await handle.query<{ trace_id: string; item_id: string | null; expected_output: string | null; similarity: number | null }>(
    `select q.trace_id, m.id as item_id, m.expected_output, m.similarity
       from unnest($3::text[], $4::text[]::vector[]) as q(trace_id, v)
       left join lateral (
         select d.id, d.expected_output, 1 - (d.embedding <=> q.v) as similarity
           from dataset_items d
          where d.project_id = $1 and d.dataset_id = $2 and d.embedding_model_id = $5 and d.embedding is not null
          order by d.embedding <=> q.v
          limit 1) m on true`,
    [projectId, datasetId, queries.map((t) => t.id), queries.map((t) => literal(t.prompt_vector!)), modelId],
  );
  for (const row of nearest) {
    const similarity = row.similarity === null ? null : Number(row.similarity);
    out.set(
      row.trace_id,
      row.item_id && similarity !== null && similarity >= threshold
        ? { itemId: row.item_id, expectedOutput: row.expected_output!, similarity, exact: false }
        : null,
    );
  }
  return out;
}

/**
 * The item whose vector has the highest cosine to `query`, as pgvector's `1 - (a <=> b)`: the cosine
 * clamped to [-1, 1]; an item or query without direction (zero norm) gives NaN there and is never nearest.
 */
function nearestItem(set: LoadedSet, query: Float32Array): { k: number; similarity: number } | null {
  const queryNorm = norm(query);
  if (queryNorm === 0) return null;
  let best = -1;
  let bestSimilarity = -Infinity;
  for (let k = 0; k < set.vectors.length; k++) {
    const v = set.vectors[k];
    if (!v || set.norms[k] === 0) continue;
    if (v.length !== query.length) throw new Error(`different vector dimensions ${v.length} and ${query.length}`);
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i]! * query[i]!;
    const similarity = Math.min(1, Math.max(-1, dot / (set.norms[k]! * queryNorm)));
    if (similarity > bestSimilarity) {
      bestSimilarity = similarity;
      best = k;
    }
  }
  return best === -1 ? null : { k: best, similarity: bestSimilarity };
}
