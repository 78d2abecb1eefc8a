/**
 * The subset of onnx.proto (field numbers as in onnx/onnx.proto) that Driftline's model generators
 * write, encoded with protobufjs: no ONNX or Python tool is needed to build a model.
 */
import protobuf from "protobufjs";

const ONNX_PROTO_JSON = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            ints: { rule: "repeated", type: "int64", id: 8 },
            type: { type: "int32", id: 20 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "TypeProto", id: 2 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 14 },
          },
        },
        StringStringEntryProto: {
          fields: {
            key: { type: "string", id: 1 },
            value: { type: "string", id: 2 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1 },
            dataType: { type: "int32", id: 2 },
            name: { type: "string", id: 8 },
            rawData: { type: "bytes", id: 9 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: "repeated", type: "Dimension", id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: {
                dimValue: { type: "int64", id: 1 },
                dimParam: { type: "string", id: 2 },
              },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ["tensorType"] } },
          fields: { tensorType: { type: "Tensor", id: 1 } },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: "int32", id: 1 },
                shape: { type: "TensorShapeProto", id: 2 },
              },
            },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: "string", id: 1 },
            version: { type: "int64", id: 2 },
          },
        },
      },
    },
  },
};

/** TensorProto.DataType values. */
export const DataType = { FLOAT: 1, INT8: 3, INT64: 7, FLOAT16: 10 } as const;
/** AttributeProto.AttributeType values. */
export const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  ints?: number[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute?: OnnxAttribute[];
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  dataType: number;
  /** Little-endian values. */
  rawData: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: ({ dimValue: number } | { dimParam: string })[] } } };
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  opsetImport: { domain: string; version: number }[];
  metadataProps: { key: string; value: string | undefined }[];
  graph: {
    name: string;
    node: OnnxNode[];
    initializer: OnnxInitializer[];
    input: OnnxValueInfo[];
    output: OnnxValueInfo[];
  };
}

/** A graph input or output: a tensor of `elemType` with fixed (number) or named (string) dimensions. */
export function tensorValueInfo(name: string, elemType: number, dims: (number | string)[]): OnnxValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Metadata entries in key order, so the bytes do not depend on object insertion order. */
export function metadataEntries(metadata: Record<string, string>): { key: string; value: string | undefined }[] {
  return Object.keys(metadata)
    .sort()
    .map((key) => ({ key, value: metadata[key] }));
}

/** Serialises a model; throws if it does not match the schema. */
export function encodeModelProto(model: OnnxModel): Uint8Array {
  const ModelProto = protobuf.Root.fromJSON(ONNX_PROTO_JSON).lookupType("onnx.ModelProto");
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`ONNX model does not match the schema: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** The float32 initializers of a serialised model, by name (for checks against a reference implementation). */
export function decodeFloatInitializers(bytes: Uint8Array): Map<string, { dims: number[]; data: Float32Array }> {
  const ModelProto = protobuf.Root.fromJSON(ONNX_PROTO_JSON).lookupType("onnx.ModelProto");
  const model = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number }) as { graph: { initializer: OnnxInitializer[] } };
  const out = new Map<string, { dims: number[]; data: Float32Array }>();
  for (const init of model.graph.initializer) {
    if (init.dataType !== DataType.FLOAT) continue;
    // Copy into a fresh buffer: the decoded bytes are a view (a Node Buffer's slice shares memory)
    // at an offset that need not be a multiple of 4.
    const raw = new Uint8Array(init.rawData);
    const data = new Float32Array(raw.buffer, 0, raw.byteLength / 4);
    out.set(init.name, { dims: (init.dims ?? []).map(Number), data });
  }
  return out;
}
