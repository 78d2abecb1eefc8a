/**
 * Golden-set items as teams upload them: a JSON array or `{ "items": [...] }`,
 * JSONL (one object a line) or CSV with a header row. Each item is
 * `{ input, expectedOutput, metadata? }` (`expected_output` and, in CSV, an
 * `expected` column are accepted too; a CSV `metadata` column holds JSON).
 * Errors name the item (`items.3.input`) or the line (`line 4`).
 */
export const DATASET_LIMITS = { maxItems: 10_000, maxTextLength: 32_768, maxMetadataLength: 16_384 } as const;

export type DatasetItemInput = { input: string; expectedOutput: string; metadata: Record<string, unknown> };
export type ItemsParse = { ok: true; items: DatasetItemInput[] } | { ok: false; errors: Array<{ path: string; message: string }> };

export type ItemsFormat = "json" | "jsonl" | "csv";

/** The format named by a Content-Type (`application/x-ndjson`, `application/jsonl`, `text/csv`, JSON otherwise). */
export function itemsFormat(contentType: string | null): ItemsFormat {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "text/csv") return "csv";
  if (type === "application/x-ndjson" || type === "application/jsonl" || type === "application/x-jsonlines" || type === "application/jsonlines") return "jsonl";
  return "json";
}

export function parseDatasetItems(body: string, format: ItemsFormat): ItemsParse {
  if (format === "csv") return fromRecords(parseCsv(body));
  if (format === "jsonl") {
    const errors: Array<{ path: string; message: string }> = [];
    const rows: Array<{ where: string; value: unknown }> = [];
    body.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        rows.push({ where: `line ${i + 1}`, value: JSON.parse(line) });
      } catch {
        errors.push({ path: `line ${i + 1}`, message: "is not valid JSON" });
      }
    });
    if (errors.length > 0) return { ok: false, errors };
    return validate(rows);
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, errors: [{ path: "", message: "the body is not valid JSON" }] };
  }
  const list = Array.isArray(value) ? value : value && typeof value === "object" ? (value as { items?: unknown }).items : undefined;
  if (!Array.isArray(list)) return { ok: false, errors: [{ path: "items", message: "must be an array of items" }] };
  return validate(list.map((item, i) => ({ where: `items.${i}`, value: item })));
}

/** Items already parsed from JSON (e.g. `items` in a create request). */
export function validateDatasetItems(list: unknown, path = "items"): ItemsParse {
  if (!Array.isArray(list)) return { ok: false, errors: [{ path, message: "must be an array of items" }] };
  return validate(list.map((item, i) => ({ where: `${path}.${i}`, value: item })));
}

function validate(rows: Array<{ where: string; value: unknown }>): ItemsParse {
  const errors: Array<{ path: string; message: string }> = [];
  const items: DatasetItemInput[] = [];
  if (rows.length === 0) errors.push({ path: "items", message: "must hold at least one item" });
  if (rows.length > DATASET_LIMITS.maxItems) errors.push({ path: "items", message: `must hold at most ${DATASET_LIMITS.maxItems} items per upload` });
  for (const { where, value } of rows.slice(0, DATASET_LIMITS.maxItems)) {
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      errors.push({ path: where, message: "must be an object with input and expectedOutput" });
      continue;
    }
    const v = value as Record<string, unknown>;
    const text = (key: string, raw: unknown) => {
      if (typeof raw !== "string" || raw.trim() === "") {
        errors.push({ path: `${where}.${key}`, message: "is required (a non-empty string)" });
        return null;
      }
      if (raw.length > DATASET_LIMITS.maxTextLength) {
        errors.push({ path: `${where}.${key}`, message: `must be at most ${DATASET_LIMITS.maxTextLength} characters` });
        return null;
      }
      return raw;
    };
    const input = text("input", v.input);
    const expectedOutput = text("expectedOutput", v.expectedOutput ?? v.expected_output ?? v.expected);
    let metadata: Record<string, unknown> = {};
    if (v.metadata !== undefined && v.metadata !== null && v.metadata !== "") {
      const raw = typeof v.metadata === "string" ? safeJson(v.metadata) : v.metadata;
      if (!raw || typeof raw !== "object" || Array.isArray(raw)) errors.push({ path: `${where}.metadata`, message: "must be a JSON object" });
      else if (JSON.stringify(raw).length > DATASET_LIMITS.maxMetadataLength) errors.push({ path: `${where}.metadata`, message: `must be at most ${DATASET_LIMITS.maxMetadataLength} characters of JSON` });
      else metadata = raw as Record<string, unknown>;
    }
    if (input !== null && expectedOutput !== null) items.push({ input, expectedOutput, metadata });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, items };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function fromRecords(parsed: { header: string[]; rows: string[][] } | { error: string }): ItemsParse {
  if ("error" in parsed) return { ok: false, errors: [{ path: "", message: parsed.error }] };
  const header = parsed.header.map((h) => h.trim());
  const required = ["input"];
  const expectedColumn = ["expectedOutput", "expected_output", "expected"].find((c) => header.includes(c));
  const missing = [...required.filter((c) => !header.includes(c)), ...(expectedColumn ? [] : ["expectedOutput"])];
  if (missing.length > 0) return { ok: false, errors: [{ path: "line 1", message: `the header row needs the column(s) ${missing.join(", ")}` }] };
  return validate(
    parsed.rows.map((cells, i) => ({
      where: `line ${i + 2}`,
      value: Object.fromEntries(header.map((h, k) => [h === expectedColumn ? "expectedOutput" : h, cells[k] ?? ""])),
    })),
  );
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks. */
export function parseCsv(text: string): { header: string[]; rows: string[][] } | { error: string } {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      field = "";
      if (record.length > 1 || record[0] !== "") records.push(record);
      record = [];
    } else field += c;
  }
  if (quoted) return { error: "a quoted field is not closed" };
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  if (records.length === 0) return { error: "the CSV is empty" };
  return { header: records[0]!, rows: records.slice(1) };
}
