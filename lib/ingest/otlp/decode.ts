/**
 * OTLP/HTTP trace request bodies → one JS shape (see ./types.ts), from either
 * `application/json` (OTLP JSON: hex ids, int64 as strings or numbers) or
 * `application/x-protobuf`, optionally gzip/deflate/br compressed.
 * Pure apart from node:zlib; every caller mistake is an IngestError.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
import { IngestError } from "./ingest-error";
import { ExportTraceServiceRequestType } from "./proto";
import type {
  AttributeValue,
  Attributes,
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpSpanEvent,
  OtlpTraceRequest,
} from "./types";

export const OTLP_LIMITS = {
  /** Largest body accepted, before and after decompression. */
  maxBodyBytes: 10 * 1024 * 1024,
  /** Deepest nesting of array/kvlist attribute values. */
  maxAttributeDepth: 16,
} as const;

export type DecodeOptions = { maxBodyBytes?: number };

export type BodyInput = {
  body: Uint8Array;
  contentType: string | null | undefined;
  contentEncoding?: string | null | undefined;
};

export type OtlpFormat = "json" | "protobuf";

/** The OTLP encoding a Content-Type names; 415 for anything else. */
export function otlpFormatOf(contentType: string | null | undefined): OtlpFormat {
  const media = mediaType(contentType);
  if (media === "application/json") return "json";
  if (media === "application/x-protobuf" || media === "application/protobuf") return "protobuf";
  throw new IngestError(
    415,
    `unsupported content-type ${JSON.stringify(contentType ?? "")}; send application/json or application/x-protobuf`,
  );
}

function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * Undoes Content-Encoding (gzip, x-gzip, deflate, br, identity; a comma list is
 * undone last-first) and enforces the size limit on the result.
 */
export function decompressBody(
  body: Uint8Array,
  contentEncoding: string | null | undefined,
  options: DecodeOptions = {},
): Uint8Array {
  const max = options.maxBodyBytes ?? OTLP_LIMITS.maxBodyBytes;
  if (body.byteLength > max) throw tooLarge(max);
  const codings = (contentEncoding ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  let out: Uint8Array = body;
  for (const coding of codings.reverse()) {
    out = inflate(out, coding, max);
  }
  return out;
}

function inflate(data: Uint8Array, coding: string, max: number): Uint8Array {
  const opts = { maxOutputLength: max };
  try {
    switch (coding) {
      case "gzip":
      case "x-gzip":
        return gunzipSync(data, opts);
      case "deflate":
        // RFC 9110 "deflate" is zlib-wrapped, but some clients send raw deflate.
        try {
          return inflateSync(data, opts);
        } catch (err) {
          if (isTooLarge(err)) throw err;
          return inflateRawSync(data, opts);
        }
      case "br":
        return brotliDecompressSync(data, opts);
      default:
        throw new IngestError(415, `unsupported content-encoding ${JSON.stringify(coding)}; use gzip, deflate or br`);
    }
  } catch (err) {
    if (err instanceof IngestError) throw err;
    if (isTooLarge(err)) throw tooLarge(max);
    throw new IngestError(400, `body is not valid ${coding} data (${(err as Error).message})`);
  }
}

function isTooLarge(err: unknown): boolean {
  return err instanceof RangeError || (err as { code?: string } | null)?.code === "ERR_BUFFER_TOO_LARGE";
}

function tooLarge(max: number): IngestError {
  return new IngestError(413, `body is larger than ${max} bytes (the limit holds before and after decompression); send smaller batches`);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A JSON body: checks the content type (415), decompresses (400/413/415),
 * decodes strict UTF-8 and parses (400). Also suits the native batch endpoint.
 */
export function decodeJsonBody(input: BodyInput, options: DecodeOptions = {}): unknown {
  if (mediaType(input.contentType) !== "application/json") {
    throw new IngestError(415, `unsupported content-type ${JSON.stringify(input.contentType ?? "")}; send application/json`);
  }
  return parseJson(decompressBody(input.body, input.contentEncoding, options));
}

function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new IngestError(400, "body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new IngestError(400, `malformed JSON: ${(err as Error).message}`);
  }
}

/** Decodes an OTLP ExportTraceServiceRequest body, JSON or protobuf. */
export function decodeOtlpRequest(input: BodyInput, options: DecodeOptions = {}): OtlpTraceRequest {
  const format = otlpFormatOf(input.contentType);
  const bytes = decompressBody(input.body, input.contentEncoding, options);
  if (format === "json") return fromJson(parseJson(bytes));
  let message: unknown;
  try {
    message = ExportTraceServiceRequestType.decode(bytes);
  } catch (err) {
    throw new IngestError(400, `malformed protobuf: ${(err as Error).message}`);
  }
  return fromProtobuf(message);
}

// ---------------------------------------------------------------------------
// Shared scalar helpers
// ---------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function bad(path: string, message: string): IngestError {
  return new IngestError(400, message, path);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** int64 as a JS value: a number when exactly representable, else its decimal string. */
function int64Value(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** A finite double, or null (JSON cannot carry NaN/Infinity further down). */
function doubleValue(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** protobufjs 64-bit values: Long (when the `long` package is loaded), number or string. */
function longToBigInt(v: unknown, signed: boolean): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(Math.trunc(v));
  if (typeof v === "string") return BigInt(v);
  if (v && typeof v === "object" && "low" in v && "high" in v) {
    const { low, high } = v as { low: number; high: number };
    const u = (BigInt(high >>> 0) << BigInt(32)) | BigInt(low >>> 0);
    return signed ? BigInt.asIntN(64, u) : u;
  }
  return BigInt(0);
}

// ---------------------------------------------------------------------------
// OTLP JSON
// ---------------------------------------------------------------------------

/** OTLP JSON uses lowerCamelCase; proto3 JSON parsers also accept the proto names. */
function get(obj: Obj, camel: string, snake?: string): unknown {
  const v = obj[camel];
  return v !== undefined ? v : snake ? obj[snake] : undefined;
}

function jObject(v: unknown, path: string): Obj {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw bad(path, "must be an object");
  return v as Obj;
}

function jArray(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(path, "must be an array");
  return v;
}

function jString(v: unknown, path: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw bad(path, "must be a string");
  return v;
}

function jUint64(v: unknown, path: string): bigint {
  if (v === undefined || v === null) return BigInt(0);
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^\d{1,20}$/.test(v)) return BigInt(v);
  throw bad(path, "must be an unsigned integer (number or decimal string)");
}

function jInt64(v: unknown, path: string): number | string {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d{1,20}$/.test(v)) return int64Value(BigInt(v));
  throw bad(path, "must be an integer (number or decimal string)");
}

function jEnum(v: unknown, path: string, names: readonly string[]): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string") {
    const i = names.indexOf(v);
    if (i >= 0) return i;
    if (/^\d+$/.test(v)) return Number(v);
  }
  throw bad(path, `must be one of ${names.join(", ")} or its number`);
}

/** OTLP JSON ids are hex; base64 (the generic proto3 JSON rule for bytes) is accepted too. */
function jId(v: unknown, path: string, bytes: number): string {
  const s = jString(v, path);
  if (/^[0-9a-fA-F]*$/.test(s)) return s.toLowerCase();
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) {
    const decoded = Buffer.from(s, "base64");
    if (decoded.length === bytes) return decoded.toString("hex");
  }
  throw bad(path, `must be a ${bytes * 2}-character hex string`);
}

function jDouble(v: unknown, path: string): number | null {
  if (typeof v === "number") return doubleValue(v);
  if (typeof v === "string") {
    if (v === "NaN" || v === "Infinity" || v === "-Infinity") return null;
    const n = Number(v);
    if (v.trim() !== "" && Number.isFinite(n)) return n;
  }
  throw bad(path, "must be a number");
}

function jAnyValue(v: unknown, path: string, depth: number): AttributeValue {
  if (depth > OTLP_LIMITS.maxAttributeDepth) throw bad(path, `attribute values nest deeper than ${OTLP_LIMITS.maxAttributeDepth} levels`);
  const o = jObject(v, path);
  let x: unknown;
  if ((x = get(o, "stringValue", "string_value")) !== undefined) return jString(x, `${path}.stringValue`);
  if ((x = get(o, "boolValue", "bool_value")) !== undefined) {
    if (typeof x !== "boolean") throw bad(`${path}.boolValue`, "must be a boolean");
    return x;
  }
  if ((x = get(o, "intValue", "int_value")) !== undefined) return jInt64(x, `${path}.intValue`);
  if ((x = get(o, "doubleValue", "double_value")) !== undefined) return jDouble(x, `${path}.doubleValue`);
  if ((x = get(o, "arrayValue", "array_value")) !== undefined) {
    const values = jArray(jObject(x, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    return values.map((item, i) => jAnyValue(item, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  if ((x = get(o, "kvlistValue", "kvlist_value")) !== undefined) {
    return jAttributes(jObject(x, `${path}.kvlistValue`).values, `${path}.kvlistValue.values`, depth + 1);
  }
  if ((x = get(o, "bytesValue", "bytes_value")) !== undefined) return jString(x, `${path}.bytesValue`);
  return null;
}

function jAttributes(v: unknown, path: string, depth = 0): Attributes {
  const out: Attributes = {};
  jArray(v, path).forEach((item, i) => {
    const kv = jObject(item, `${path}[${i}]`);
    out[jString(kv.key, `${path}[${i}].key`)] = jAnyValue(kv.value, `${path}[${i}].value`, depth);
  });
  return out;
}

const SPAN_KINDS = [
  "SPAN_KIND_UNSPECIFIED",
  "SPAN_KIND_INTERNAL",
  "SPAN_KIND_SERVER",
  "SPAN_KIND_CLIENT",
  "SPAN_KIND_PRODUCER",
  "SPAN_KIND_CONSUMER",
] as const;
const STATUS_CODES = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"] as const;

function jSpan(v: unknown, path: string): OtlpSpan {
  const s = jObject(v, path);
  const status = jObject(s.status, `${path}.status`);
  return {
    traceId: jId(get(s, "traceId", "trace_id"), `${path}.traceId`, 16),
    spanId: jId(get(s, "spanId", "span_id"), `${path}.spanId`, 8),
    parentSpanId: jId(get(s, "parentSpanId", "parent_span_id"), `${path}.parentSpanId`, 8),
    name: jString(s.name, `${path}.name`),
    kind: jEnum(s.kind, `${path}.kind`, SPAN_KINDS),
    startTimeUnixNano: jUint64(get(s, "startTimeUnixNano", "start_time_unix_nano"), `${path}.startTimeUnixNano`),
    endTimeUnixNano: jUint64(get(s, "endTimeUnixNano", "end_time_unix_nano"), `${path}.endTimeUnixNano`),
    attributes: jAttributes(s.attributes, `${path}.attributes`),
    events: jArray(s.events, `${path}.events`).map((e, i): OtlpSpanEvent => {
      const ev = jObject(e, `${path}.events[${i}]`);
      return {
        name: jString(ev.name, `${path}.events[${i}].name`),
        timeUnixNano: jUint64(get(ev, "timeUnixNano", "time_unix_nano"), `${path}.events[${i}].timeUnixNano`),
        attributes: jAttributes(ev.attributes, `${path}.events[${i}].attributes`),
      };
    }),
    status: {
      code: jEnum(status.code, `${path}.status.code`, STATUS_CODES),
      message: jString(status.message, `${path}.status.message`),
    },
  };
}

function fromJson(body: unknown): OtlpTraceRequest {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw bad("", 'body must be an OTLP ExportTraceServiceRequest object: {"resourceSpans": [...]}');
  }
  const root = body as Obj;
  const rsList = jArray(get(root, "resourceSpans", "resource_spans"), "resourceSpans");
  return {
    resourceSpans: rsList.map((rsRaw, r): OtlpResourceSpans => {
      const rp = `resourceSpans[${r}]`;
      const rs = jObject(rsRaw, rp);
      const resource = jObject(rs.resource, `${rp}.resource`);
      return {
        resource: { attributes: jAttributes(resource.attributes, `${rp}.resource.attributes`) },
        schemaUrl: jString(get(rs, "schemaUrl", "schema_url"), `${rp}.schemaUrl`),
        scopeSpans: jArray(get(rs, "scopeSpans", "scope_spans"), `${rp}.scopeSpans`).map((ssRaw, s): OtlpScopeSpans => {
          const sp = `${rp}.scopeSpans[${s}]`;
          const ss = jObject(ssRaw, sp);
          const scope = jObject(ss.scope, `${sp}.scope`);
          return {
            scope: {
              name: jString(scope.name, `${sp}.scope.name`),
              version: jString(scope.version, `${sp}.scope.version`),
              attributes: jAttributes(scope.attributes, `${sp}.scope.attributes`),
            },
            schemaUrl: jString(get(ss, "schemaUrl", "schema_url"), `${sp}.schemaUrl`),
            spans: jArray(ss.spans, `${sp}.spans`).map((span, i) => jSpan(span, `${sp}.spans[${i}]`)),
          };
        }),
      };
    }),
  };
}

// ---------------------------------------------------------------------------
// protobuf (messages decoded by protobufjs from ./proto)
// ---------------------------------------------------------------------------

type PbMessage = Record<string, unknown>;

const has = (m: PbMessage, key: string) => Object.prototype.hasOwnProperty.call(m, key);

function pList(v: unknown): PbMessage[] {
  return Array.isArray(v) ? (v as PbMessage[]) : [];
}

function pBytes(v: unknown): Uint8Array {
  return v instanceof Uint8Array ? v : new Uint8Array();
}

function pString(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function pAnyValue(m: PbMessage | undefined, path: string, depth: number): AttributeValue {
  if (!m) return null;
  if (depth > OTLP_LIMITS.maxAttributeDepth) throw bad(path, `attribute values nest deeper than ${OTLP_LIMITS.maxAttributeDepth} levels`);
  if (has(m, "stringValue")) return pString(m.stringValue);
  if (has(m, "boolValue")) return m.boolValue === true;
  if (has(m, "intValue")) return int64Value(longToBigInt(m.intValue, true));
  if (has(m, "doubleValue")) return doubleValue(Number(m.doubleValue));
  if (has(m, "arrayValue")) {
    return pList((m.arrayValue as PbMessage).values).map((item, i) => pAnyValue(item, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  if (has(m, "kvlistValue")) return pAttributes((m.kvlistValue as PbMessage).values, `${path}.kvlistValue.values`, depth + 1);
  if (has(m, "bytesValue")) return base64(pBytes(m.bytesValue));
  return null;
}

function pAttributes(v: unknown, path: string, depth = 0): Attributes {
  const out: Attributes = {};
  pList(v).forEach((kv, i) => {
    out[pString(kv.key)] = pAnyValue(kv.value as PbMessage | undefined, `${path}[${i}].value`, depth);
  });
  return out;
}

function pSpan(s: PbMessage, path: string): OtlpSpan {
  const status = (s.status as PbMessage | undefined) ?? {};
  return {
    traceId: hex(pBytes(s.traceId)),
    spanId: hex(pBytes(s.spanId)),
    parentSpanId: hex(pBytes(s.parentSpanId)),
    name: pString(s.name),
    kind: Number(s.kind ?? 0),
    startTimeUnixNano: longToBigInt(s.startTimeUnixNano, false),
    endTimeUnixNano: longToBigInt(s.endTimeUnixNano, false),
    attributes: pAttributes(s.attributes, `${path}.attributes`),
    events: pList(s.events).map((e, i) => ({
      name: pString(e.name),
      timeUnixNano: longToBigInt(e.timeUnixNano, false),
      attributes: pAttributes(e.attributes, `${path}.events[${i}].attributes`),
    })),
    status: { code: Number(status.code ?? 0), message: pString(status.message) },
  };
}

function fromProtobuf(message: unknown): OtlpTraceRequest {
  const root = message as PbMessage;
  return {
    resourceSpans: pList(root.resourceSpans).map((rs, r): OtlpResourceSpans => {
      const rp = `resourceSpans[${r}]`;
      const resource = (rs.resource as PbMessage | undefined) ?? {};
      return {
        resource: { attributes: pAttributes(resource.attributes, `${rp}.resource.attributes`) },
        schemaUrl: pString(rs.schemaUrl),
        scopeSpans: pList(rs.scopeSpans).map((ss, s): OtlpScopeSpans => {
          const sp = `${rp}.scopeSpans[${s}]`;
          const scope = (ss.scope as PbMessage | undefined) ?? {};
          return {
            scope: {
              name: pString(scope.name),
              version: pString(scope.version),
              attributes: pAttributes(scope.attributes, `${sp}.scope.attributes`),
            },
            schemaUrl: pString(ss.schemaUrl),
            spans: pList(ss.spans).map((span, i) => pSpan(span, `${sp}.spans[${i}]`)),
          };
        }),
      };
    }),
  };
}
