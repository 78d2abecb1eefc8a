/**
 * An OTLP ExportTraceServiceRequest after decoding, the same whichever wire
 * format it came in: ids as lowercase hex, times as bigint nanoseconds,
 * attributes as plain JS values.
 */

/** An OTLP AnyValue as a plain value. int64 outside the safe range becomes a decimal string, bytes base64. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** Key → value; when a key repeats, the last one wins. */
export type Attributes = Record<string, AttributeValue>;

export type OtlpSpanEvent = {
  name: string;
  timeUnixNano: bigint;
  attributes: Attributes;
};

/** Numeric values as in the proto: 0 unset, 1 ok, 2 error. */
export type OtlpStatusCode = number;

export type OtlpSpan = {
  /** 32 lowercase hex characters when well-formed; validated by the mapper. */
  traceId: string;
  /** 16 lowercase hex characters when well-formed. */
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: OtlpSpanEvent[];
  status: { code: OtlpStatusCode; message: string };
};

export type OtlpScope = { name: string; version: string; attributes: Attributes };

export type OtlpScopeSpans = { scope: OtlpScope; schemaUrl: string; spans: OtlpSpan[] };

export type OtlpResourceSpans = {
  resource: { attributes: Attributes };
  schemaUrl: string;
  scopeSpans: OtlpScopeSpans[];
};

export type OtlpTraceRequest = { resourceSpans: OtlpResourceSpans[] };
