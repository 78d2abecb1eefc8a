import { deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeJsonBody, decodeOtlpRequest, decompressBody, otlpFormatOf } from "./decode";
import { IngestError } from "./ingest-error";

const enc = (s: string) => new TextEncoder().encode(s);

function errorOf(fn: () => unknown): IngestError {
  try {
    fn();
  } catch (err) {
    if (err instanceof IngestError) return err;
    throw err;
  }
  throw new Error("expected an IngestError");
}

const minimal = {
  resource_spans: [
    {
      scope_spans: [
        {
          spans: [
            {
              trace_id: "0af7651916cd43dd8448eb211c80319c",
              span_id: "b7ad6b7169203331",
              name: "chat",
              kind: 3,
              start_time_unix_nano: 1_736_938_800_000_000_000,
              end_time_unix_nano: "1736938801000000000",
              attributes: [
                { key: "big", value: { intValue: "9007199254740993" } },
                { key: "n", value: { intValue: 5 } },
                { key: "inf", value: { doubleValue: "Infinity" } },
                { key: "b", value: { bytesValue: "AQID" } },
                { key: "empty", value: {} },
              ],
              status: { code: "STATUS_CODE_ERROR", message: "boom" },
            },
          ],
        },
      ],
    },
  ],
};

describe("decodeOtlpRequest", () => {
  it("accepts proto field names, int64 as numbers or strings, and enum names", () => {
    const req = decodeOtlpRequest({ body: enc(JSON.stringify(minimal)), contentType: "application/json" });
    const span = req.resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(span).toMatchObject({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      parentSpanId: "",
      kind: 3,
      endTimeUnixNano: BigInt("1736938801000000000"),
      status: { code: 2, message: "boom" },
      attributes: { big: "9007199254740993", n: 5, inf: null, b: "AQID", empty: null },
    });
    // A JSON number this large is not exact, but close enough for milliseconds.
    expect(Number(span!.startTimeUnixNano / BigInt(1_000_000))).toBe(1_736_938_800_000);
  });

  it("accepts base64 ids from generic proto3 JSON encoders", () => {
    const body = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: "CvdlGRbNQ92ESOshHIAxnA==", spanId: "t61rcWkgMzE=" }] }] }] };
    const span = decodeOtlpRequest({ body: enc(JSON.stringify(body)), contentType: "application/json" }).resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(span?.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(span?.spanId).toBe("b7ad6b7169203331");
  });

  it("answers 400 for malformed JSON, JSON of the wrong shape, bad UTF-8, protobuf and gzip", () => {
    const json = (body: Uint8Array) => errorOf(() => decodeOtlpRequest({ body, contentType: "application/json" }));
    expect(json(enc("{\"resourceSpans\": ["))).toMatchObject({ status: 400, message: expect.stringMatching(/^malformed JSON/) });
    expect(json(enc("[]"))).toMatchObject({ status: 400 });
    expect(json(new Uint8Array([0x7b, 0xff, 0x7d]))).toMatchObject({ status: 400, message: "body is not valid UTF-8" });
    const wrong = json(enc(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: "soon" }] }] }] })));
    expect(wrong.status).toBe(400);
    expect(wrong.path).toBe("resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano");
    expect(wrong.errors).toEqual([
      { path: "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano", message: "must be an unsigned integer (number or decimal string)" },
    ]);
    expect(json(enc(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: "xyz!" }] }] }] }))).path).toBe(
      "resourceSpans[0].scopeSpans[0].spans[0].traceId",
    );

    // Field 1 (resource_spans), length-delimited, claims 127 bytes but the body ends.
    const truncated = errorOf(() => decodeOtlpRequest({ body: new Uint8Array([0x0a, 0x7f, 0x01]), contentType: "application/x-protobuf" }));
    expect(truncated).toMatchObject({ status: 400, message: expect.stringMatching(/^malformed protobuf/) });
    // Wire type 7 does not exist.
    expect(errorOf(() => decodeOtlpRequest({ body: new Uint8Array([0x0f, 0x00]), contentType: "application/x-protobuf" })).status).toBe(400);

    const notGzip = errorOf(() => decodeOtlpRequest({ body: enc("plain text"), contentType: "application/json", contentEncoding: "gzip" }));
    expect(notGzip).toMatchObject({ status: 400, message: expect.stringMatching(/^body is not valid gzip data/) });
    const cut = gzipSync(enc(JSON.stringify(minimal))).subarray(0, 20);
    expect(errorOf(() => decodeOtlpRequest({ body: cut, contentType: "application/json", contentEncoding: "gzip" })).status).toBe(400);
  });

  it("answers 415 for other content types and encodings", () => {
    expect(errorOf(() => otlpFormatOf("text/plain")).status).toBe(415);
    expect(errorOf(() => otlpFormatOf(undefined)).status).toBe(415);
    expect(otlpFormatOf("Application/X-Protobuf")).toBe("protobuf");
    expect(errorOf(() => decompressBody(enc("x"), "compress")).status).toBe(415);
    expect(errorOf(() => decodeJsonBody({ body: enc("{}"), contentType: "application/x-www-form-urlencoded" })).status).toBe(415);
  });

  it("answers 413 over the size limit, before and after decompression", () => {
    expect(errorOf(() => decompressBody(new Uint8Array(2048), undefined, { maxBodyBytes: 1024 })).status).toBe(413);
    const bomb = gzipSync(new Uint8Array(11 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    const err = errorOf(() => decodeOtlpRequest({ body: bomb, contentType: "application/json", contentEncoding: "gzip" }));
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/larger than 10485760 bytes/);
  });

  it("undoes deflate (zlib and raw) and stacked encodings", () => {
    const body = enc(JSON.stringify({ traces: [] }));
    expect(decodeJsonBody({ body: deflateSync(body), contentType: "application/json", contentEncoding: "deflate" })).toEqual({ traces: [] });
    expect(decodeJsonBody({ body: deflateRawSync(body), contentType: "application/json", contentEncoding: "deflate" })).toEqual({ traces: [] });
    expect(decodeJsonBody({ body: gzipSync(gzipSync(body)), contentType: "application/json", contentEncoding: "gzip, gzip" })).toEqual({ traces: [] });
    expect(decodeJsonBody({ body, contentType: "application/json", contentEncoding: "identity" })).toEqual({ traces: [] });
  });
});
