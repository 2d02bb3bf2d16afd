import { OutpostError } from '@outpost/contract';
import { parseArtifact } from '../artifact.js';
import { decodeOnnx } from './proto.js';

/** Model file formats the registry accepts. Only `onnx` and `outpost-detector` are executable. */
export const MODEL_FORMATS = ['onnx', 'outpost-detector', 'tensorflow-savedmodel', 'tflite', 'pytorch', 'sklearn-pickle'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

export const EXECUTABLE_FORMATS: ReadonlySet<ModelFormat> = new Set(['onnx', 'outpost-detector']);

/** How to turn a stored-only format into ONNX (shown in responses and docs/models.md). */
export const CONVERSION_HINTS: Readonly<Record<ModelFormat, string | null>> = {
  onnx: null,
  'outpost-detector': null,
  'tensorflow-savedmodel': 'python -m tf2onnx.convert --saved-model <dir> --output model.onnx',
  tflite: 'python -m tf2onnx.convert --tflite model.tflite --output model.onnx',
  pytorch: 'torch.onnx.export(model, example_input, "model.onnx", dynamic_axes={"x": {0: "N"}})',
  'sklearn-pickle': 'skl2onnx: convert_sklearn(model, initial_types=[("x", FloatTensorType([None, n_features]))])',
};

const FRAMEWORK: Readonly<Record<ModelFormat, string>> = {
  onnx: 'onnx', 'outpost-detector': 'outpost', 'tensorflow-savedmodel': 'tensorflow', tflite: 'tensorflow', pytorch: 'pytorch', 'sklearn-pickle': 'scikit-learn',
};
export const frameworkOf = (f: ModelFormat): string => FRAMEWORK[f];

const ascii = (b: Uint8Array, from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
const isZip = (b: Uint8Array) => b.length > 4 && ascii(b, 0, 4) === 'PK\x03\x04';
/** ustar archives carry "ustar" at offset 257. */
const isTar = (b: Uint8Array) => b.length > 262 && ascii(b, 257, 262) === 'ustar';
/**
 * Pickle protocol 2+ starts with PROTO (0x80) and the protocol number; protocols 0 and 1 start
 * with an ASCII opcode and every pickle ends with STOP ('.'). The bytes are never unpickled.
 */
const isPickle = (b: Uint8Array) => b.length > 2 && ((b[0] === 0x80 && b[1]! >= 2 && b[1]! <= 5) || (b[b.length - 1] === 0x2e && '(c]}'.includes(String.fromCharCode(b[0]!))));
const contains = (b: Uint8Array, s: string) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(s, 0, 'latin1');

/**
 * The format of an uploaded file from its bytes (magic numbers and container contents) and,
 * for pickles, the file name. Pickled files are recognised by their first bytes only: they are
 * never loaded, because unpickling runs arbitrary code.
 */
export function sniffFormat(bytes: Uint8Array, filename = ''): ModelFormat | null {
  if (bytes.length === 0) return null;
  if (bytes.length > 8 && ascii(bytes, 4, 8) === 'TFL3') return 'tflite';
  if (isZip(bytes) || isTar(bytes)) {
    if (contains(bytes, 'saved_model.pb')) return 'tensorflow-savedmodel';
    if (contains(bytes, 'data.pkl')) return 'pytorch';
    return null;
  }
  if (isPickle(bytes)) return /\.(pt|pth)$/i.test(filename) ? 'pytorch' : 'sklearn-pickle';
  if (bytes[0] === 0x7b /* { */) {
    try { parseArtifact(Buffer.from(bytes).toString('utf8')); return 'outpost-detector'; } catch { return null; }
  }
  if (/(^|\/)saved_model\.pb$/.test(filename)) return 'tensorflow-savedmodel';
  try {
    const doc = decodeOnnx(bytes);
    if (doc.graph && (doc.graph.node?.length ?? 0) > 0) return 'onnx';
  } catch { /* not protobuf */ }
  return null;
}

/**
 * The format of an upload: the declared one when the bytes agree, else the sniffed one.
 * ERR_MODEL_INVALID when the bytes are no model, or contradict the declared format.
 */
export function resolveFormat(bytes: Uint8Array, declared: string | undefined, filename = ''): ModelFormat {
  if (declared !== undefined && !(MODEL_FORMATS as readonly string[]).includes(declared)) {
    throw new OutpostError('ERR_MODEL_INVALID', `format "${declared}" is not supported; expected one of ${MODEL_FORMATS.join(', ')}`);
  }
  const sniffed = sniffFormat(bytes, filename);
  if (sniffed === null) {
    const what = declared ? `a ${declared} model` : `a model (${MODEL_FORMATS.join(', ')})`;
    throw new OutpostError('ERR_MODEL_INVALID', `file${filename ? ` ${filename}` : ''} (${bytes.length} bytes) is not ${what}: no ONNX graph, detector artifact, pickle, TFLite or SavedModel signature found`);
  }
  if (declared !== undefined && declared !== sniffed) {
    // Pickles of either framework look alike from the outside; trust the declared one.
    const pickles = new Set(['pytorch', 'sklearn-pickle']);
    if (!(pickles.has(declared) && pickles.has(sniffed))) {
      throw new OutpostError('ERR_MODEL_INVALID', `file declared as ${declared} looks like ${sniffed}; correct the format or the file`);
    }
    return declared as ModelFormat;
  }
  return sniffed;
}
