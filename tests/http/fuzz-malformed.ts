/**
 * Requests that are wrong as a whole: random bytes, invalid UTF-8, truncated
 * JSON and protobuf, bodies that are not a batch, unknown or lying
 * Content-Encoding, wrong Content-Type. None of them may store anything, and
 * each has the statuses docs/ingest.md allows for it.
 */
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { encodeOtlpProtobuf, type SpanSpec } from "./fuzz-otlp";

export type MalformedRequest = {
  name: string;
  path: "/api/v1/traces" | "/v1/traces";
  headers: Record<string, string>;
  body: Uint8Array;
  statuses: number[];
  /** A path the error's details must name. */
  detailPath?: string;
};

const NATIVE = "/api/v1/traces";
const OTLP = "/v1/traces";
const JSON_TYPE = { "Content-Type": "application/json" };
const PROTO_TYPE = { "Content-Type": "application/x-protobuf" };
const utf8 = (text: string) => new TextEncoder().encode(text);
const EMPTY_BATCH = utf8('{"traces": []}');

const randomBytes = fc
  .tuple(fc.constantFrom<MalformedRequest["path"]>(NATIVE, OTLP), fc.boolean(), fc.uint8Array({ minLength: 3, maxLength: 2048 }))
  .map(([path, proto, body]): MalformedRequest => {
    if (path === NATIVE) return { name: "random bytes (native)", path, headers: JSON_TYPE, body, statuses: [400] };
    // Random bytes may happen to be a valid (empty) OTLP request.
    return { name: "random bytes (OTLP)", path, headers: proto ? PROTO_TYPE : JSON_TYPE, body, statuses: [200, 400] };
  });

const INVALID_UTF8 = [[0xff], [0xfe], [0x80], [0xc0, 0x80], [0xc1, 0xbf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];

const invalidUtf8 = fc
  .tuple(fc.constantFrom<MalformedRequest["path"]>(NATIVE, OTLP), fc.constantFrom(...INVALID_UTF8), fc.string({ maxLength: 20 }), fc.boolean())
  .map(([path, bad, before, gzip]): MalformedRequest => {
    const [head, tail] =
      path === NATIVE
        ? [`{"traces":[{"id":${JSON.stringify(before).slice(0, -1)}`, '"}]}']
        : [`{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":${JSON.stringify(before).slice(0, -1)}`, '"}]}]}]}'];
    const raw = new Uint8Array([...utf8(head), ...bad, ...utf8(tail)]);
    return {
      name: `invalid UTF-8 ${bad.map((b) => b.toString(16)).join(" ")}${gzip ? " (gzip)" : ""}`,
      path,
      headers: gzip ? { ...JSON_TYPE, "Content-Encoding": "gzip" } : JSON_TYPE,
      body: gzip ? new Uint8Array(gzipSync(raw)) : raw,
      statuses: [400],
    };
  });

const nativeJson = utf8(
  JSON.stringify({ traces: [{ id: "never-stored", model: "m", prompt: [{ role: "user", content: "🤖 hi" }], metadata: { a: [1, { b: 2 }] } }] }),
);

const truncatedJson = fc.nat().map((n): MalformedRequest => {
  const cut = n % nativeJson.byteLength;
  return { name: `native JSON cut at byte ${cut}`, path: NATIVE, headers: JSON_TYPE, body: nativeJson.slice(0, cut), statuses: [400] };
});

/** Spans that are not LLM calls: whatever part of them decodes, nothing may be stored. */
const plainSpans: SpanSpec[] = Array.from({ length: 3 }, (_, i) => ({
  traceId: `5b8efff798038103d269b633813fc6${i}0`,
  spanId: `eee19b7ec3c1b17${i}`,
  name: `GET /${i}`,
  startNs: BigInt(Date.UTC(2026, 0, 1)) * BigInt(1_000_000),
  endNs: BigInt(Date.UTC(2026, 0, 1) + 5) * BigInt(1_000_000),
  attributes: [{ key: "http.request.method", value: { string: "GET" } }],
}));
const protobuf = encodeOtlpProtobuf(plainSpans);

const truncatedProtobuf = fc.tuple(fc.nat(), fc.nat(255), fc.boolean()).map(([n, flip, corrupt]): MalformedRequest => {
  const cut = 1 + (n % (protobuf.byteLength - 1));
  const body = protobuf.slice(0, cut);
  if (corrupt) body[n % cut] = flip;
  // A cut on a field boundary is a shorter valid request.
  return { name: `protobuf cut at byte ${cut}${corrupt ? ", one byte changed" : ""}`, path: OTLP, headers: PROTO_TYPE, body, statuses: [200, 400] };
});

const notABatch = fc.jsonValue({ maxDepth: 3 }).map((value): MalformedRequest => {
  const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
  return {
    name: "a JSON value that is not a batch",
    path: NATIVE,
    headers: JSON_TYPE,
    body: utf8(JSON.stringify(value)),
    statuses: [400],
    detailPath: isObject ? "traces" : "",
  };
});

const notAnOtlpRequest = fc.jsonValue({ maxDepth: 3 }).map((value): MalformedRequest => ({
  name: "a JSON value as an OTLP request",
  path: OTLP,
  headers: JSON_TYPE,
  body: utf8(JSON.stringify(value)),
  // An object without resourceSpans is an empty request.
  statuses: value !== null && typeof value === "object" && !Array.isArray(value) ? [200, 400] : [400],
}));

const badEnvelope = fc
  .constantFrom(
    { body: '{"traces": "x"}', path: "traces" },
    { body: '{"traces": {}}', path: "traces" },
    { body: '{"traces": null}', path: "traces" },
    { body: '{"trace": []}', path: "traces" },
    { body: "[]", path: "" },
    { body: "null", path: "" },
    { body: '"traces"', path: "" },
    { body: "1e999", path: "" },
    { body: "", path: undefined },
    { body: '{"traces": [{"latencyMs": NaN}]}', path: undefined },
    { body: '{"traces": [{"id": "x"}],}', path: undefined },
  )
  .map(
    (c): MalformedRequest => ({ name: `envelope ${JSON.stringify(c.body)}`, path: NATIVE, headers: JSON_TYPE, body: utf8(c.body), statuses: [400], detailPath: c.path }),
  );

const wrongContentType = fc
  .tuple(
    fc.constantFrom<MalformedRequest["path"]>(NATIVE, OTLP),
    fc.constantFrom(
      "text/plain",
      "application/xml",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/json-patch+json",
      "application/jsonx",
      "json",
      "application/grpc",
      "",
      null,
    ),
  )
  .map(([path, type]): MalformedRequest => ({
    name: `content type ${JSON.stringify(type)}`,
    path,
    headers: type === null ? {} : { "Content-Type": type },
    body: EMPTY_BATCH,
    statuses: [415],
  }));

const protobufToNative: MalformedRequest = { name: "protobuf to the native door", path: NATIVE, headers: PROTO_TYPE, body: protobuf, statuses: [415] };
const upperCaseType: MalformedRequest = {
  name: "content type in capitals with a charset",
  path: NATIVE,
  headers: { "Content-Type": "APPLICATION/JSON; charset=utf-8" },
  body: EMPTY_BATCH,
  statuses: [200],
};

const wrongEncoding = fc
  .tuple(
    fc.constantFrom<MalformedRequest["path"]>(NATIVE, OTLP),
    fc.constantFrom(
      { encoding: "compress", gzipped: false, statuses: [415] },
      { encoding: "zstd", gzipped: true, statuses: [415] },
      { encoding: "gzip2", gzipped: true, statuses: [415] },
      { encoding: "*", gzipped: false, statuses: [415] },
      { encoding: "gzip", gzipped: false, statuses: [400] },
      { encoding: "x-gzip", gzipped: false, statuses: [400] },
      { encoding: "deflate", gzipped: false, statuses: [400] },
      { encoding: "br", gzipped: false, statuses: [400] },
      { encoding: "gzip, gzip", gzipped: true, statuses: [400] },
      { encoding: "identity", gzipped: false, statuses: [200] },
      { encoding: "GZIP", gzipped: true, statuses: [200] },
      { encoding: "identity, gzip", gzipped: true, statuses: [200] },
    ),
  )
  .map(([path, c]): MalformedRequest => ({
    name: `content encoding ${c.encoding}${c.gzipped ? " on gzip" : " on plain JSON"}`,
    path,
    headers: { ...JSON_TYPE, "Content-Encoding": c.encoding },
    body: c.gzipped ? new Uint8Array(gzipSync(EMPTY_BATCH)) : EMPTY_BATCH,
    // The OTLP door reads {"traces": []} as a request without spans.
    statuses: [...c.statuses],
  }));

const truncatedGzip = fc.nat().map((n): MalformedRequest => {
  const gz = gzipSync(nativeJson);
  const cut = n % (gz.byteLength - 8);
  return { name: `gzip cut at byte ${cut}`, path: NATIVE, headers: { ...JSON_TYPE, "Content-Encoding": "gzip" }, body: new Uint8Array(gz.subarray(0, cut)), statuses: [400] };
});

/** Hand-built protobuf: a length-delimited field. */
function field(tag: number, bytes: Uint8Array): Uint8Array {
  const varint = (n: number) => {
    const out: number[] = [];
    for (; n > 127; n >>>= 7) out.push((n & 127) | 128);
    out.push(n);
    return out;
  };
  return new Uint8Array(Buffer.concat([Buffer.from(varint((tag << 3) | 2)), Buffer.from(varint(bytes.length)), bytes]));
}

/** An LLM span whose gen_ai.request.model attribute is an array nested `levels` deep. */
function deepAttributeRequest(levels: number): Uint8Array {
  let value = field(1, utf8("gpt")); // AnyValue.stringValue
  for (let i = 0; i < levels; i++) value = field(5, field(1, value)); // AnyValue.arrayValue { values: [value] }
  const attribute = Buffer.concat([field(1, utf8("gen_ai.request.model")), field(2, value)]);
  const span = Buffer.concat([field(1, new Uint8Array(16).fill(7)), field(2, new Uint8Array(8).fill(9)), field(9, attribute)]);
  return field(1, field(2, field(2, span))); // request { resourceSpans { scopeSpans { spans } } }
}

const deepProtobuf = fc.constantFrom(20, 3_000).map(
  (levels): MalformedRequest => ({ name: `protobuf attribute nested ${levels} deep`, path: OTLP, headers: PROTO_TYPE, body: deepAttributeRequest(levels), statuses: [400] }),
);

/** OTLP JSON of the wrong shape: refused whole (400), with the path of the bad value. */
const SPAN = "resourceSpans[0].scopeSpans[0].spans[0]";
const otlpShape = fc
  .constantFrom(
    { span: '"startTimeUnixNano": 1e999', path: `${SPAN}.startTimeUnixNano` },
    { span: '"startTimeUnixNano": -5', path: `${SPAN}.startTimeUnixNano` },
    { span: '"startTimeUnixNano": "1.5e18"', path: `${SPAN}.startTimeUnixNano` },
    { span: '"traceId": "not hex at all!"', path: `${SPAN}.traceId` },
    { span: '"kind": "SPAN_KIND_SIDEWAYS"', path: `${SPAN}.kind` },
    { span: '"attributes": [{"key": "gen_ai.usage.input_tokens", "value": {"intValue": 1e999}}]', path: `${SPAN}.attributes[0].value.intValue` },
    { span: '"attributes": [{"key": "x", "value": {"doubleValue": "lots"}}]', path: `${SPAN}.attributes[0].value.doubleValue` },
    { span: '"attributes": [{"key": 5, "value": {}}]', path: `${SPAN}.attributes[0].key` },
    { span: '"attributes": {"gen_ai.request.model": "gpt"}', path: `${SPAN}.attributes` },
    { span: '"events": [{"timeUnixNano": true}]', path: `${SPAN}.events[0].timeUnixNano` },
  )
  .map(
    (c): MalformedRequest => ({
      name: `OTLP JSON ${c.span}`,
      path: OTLP,
      headers: JSON_TYPE,
      body: utf8(`{"resourceSpans": [{"scopeSpans": [{"spans": [{"name": "x", ${c.span}}]}]}]}`),
      statuses: [400],
      detailPath: c.path,
    }),
  );

export const malformedRequest: fc.Arbitrary<MalformedRequest> = fc.oneof(
  randomBytes,
  invalidUtf8,
  truncatedJson,
  truncatedProtobuf,
  notABatch,
  notAnOtlpRequest,
  badEnvelope,
  wrongContentType,
  fc.constant(protobufToNative),
  fc.constant(upperCaseType),
  wrongEncoding,
  truncatedGzip,
  deepProtobuf,
  otlpShape,
);
