import protobuf from 'protobufjs';

/**
 * The subset of onnx.proto (ONNX IR, https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that
 * Outpost writes and reads: enough to build small models for tests and benchmarks and to read an
 * uploaded model's producer, opsets and graph interface without loading it. Field numbers are
 * the ones in onnx.proto; unknown fields in real models are skipped by protobufjs.
 */
const ONNX_JSON = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 }, opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 }, producerVersion: { type: 'string', id: 3 }, domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 }, docString: { type: 'string', id: 6 }, graph: { type: 'GraphProto', id: 7 },
            metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 }, name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 }, docString: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 }, output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 }, output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 }, opType: { type: 'string', id: 4 }, attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 }, f: { type: 'float', id: 2 }, i: { type: 'int64', id: 3 }, s: { type: 'bytes', id: 4 },
            floats: { rule: 'repeated', type: 'float', id: 7 }, ints: { rule: 'repeated', type: 'int64', id: 8 }, type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 }, dataType: { type: 'int32', id: 2 },
            floatData: { rule: 'repeated', type: 'float', id: 4, options: { packed: true } },
            int64Data: { rule: 'repeated', type: 'int64', id: 7, options: { packed: true } }, name: { type: 'string', id: 8 }, rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 }, docString: { type: 'string', id: 3 } } },
        TypeProto: {
          fields: { tensorType: { type: 'Tensor', id: 1 } },
          nested: { Tensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } } },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
          nested: { Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } } },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(ONNX_JSON);
export const ModelProto = root.lookupType('onnx.ModelProto');

/** ONNX TensorProto.DataType codes and the names onnxruntime-node uses for them. */
export const ONNX_ELEM_TYPES: Readonly<Record<number, string>> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16', 11: 'float64',
};

export interface OnnxDim { dimValue?: number | { toNumber(): number }; dimParam?: string }
export interface OnnxValueInfo { name: string; type?: { tensorType?: { elemType?: number; shape?: { dim?: OnnxDim[] } } } }
export interface OnnxModelDoc {
  irVersion?: number | { toNumber(): number };
  producerName?: string;
  producerVersion?: string;
  opsetImport?: { domain?: string; version?: number | { toNumber(): number } }[];
  metadataProps?: { key?: string; value?: string }[];
  graph?: { name?: string; node?: { opType?: string }[]; input?: OnnxValueInfo[]; output?: OnnxValueInfo[]; initializer?: { name?: string }[] };
}

export const toNum = (v: number | { toNumber(): number } | undefined): number | undefined =>
  v === undefined ? undefined : typeof v === 'number' ? v : v.toNumber();

/** Decodes ONNX bytes; throws protobufjs's error for bytes that are not a ModelProto. */
export function decodeOnnx(bytes: Uint8Array): OnnxModelDoc {
  return ModelProto.decode(bytes) as unknown as OnnxModelDoc;
}

const Entry = root.lookupType('onnx.StringStringEntryProto');
const META_KEY = 'outpost.meta';

/**
 * The model file with Outpost's pipeline metadata (feature metric names, drift reference) in its
 * `metadata_props`, so one file carries it to gateways. The entry is appended as raw protobuf
 * (a repeated field may appear anywhere), so the original bytes, including fields this subset does
 * not know, stay as they were; the same inputs give the same bytes.
 */
export function withOutpostMeta(bytes: Uint8Array, meta: unknown): Uint8Array {
  const entry = Entry.encode(Entry.fromObject({ key: META_KEY, value: JSON.stringify(meta) })).finish();
  const field = protobuf.Writer.create().uint32((14 << 3) | 2).bytes(entry).finish();
  const out = new Uint8Array(bytes.length + field.length);
  out.set(bytes, 0);
  out.set(field, bytes.length);
  return out;
}

/**
 * Outpost's metadata from a model's `metadata_props` (the last entry wins), or undefined — also for
 * bytes that do not decode, so that loading the model reports what is wrong with them.
 */
export function readOutpostMeta(bytes: Uint8Array): unknown {
  let found: string | undefined;
  let props: OnnxModelDoc['metadataProps'];
  try { props = decodeOnnx(bytes).metadataProps; } catch { return undefined; }
  for (const e of props ?? []) if (e.key === META_KEY) found = e.value;
  if (found === undefined) return undefined;
  try { return JSON.parse(found); } catch { return undefined; }
}
