import { OutpostError } from '@outpost/contract';

/** One input or output tensor of a model: name, element type and shape (numbers or symbolic dims). */
export interface TensorSpec { name: string; type: string; shape: (number | string)[] }
export interface ModelSchema { inputs: TensorSpec[]; outputs: TensorSpec[] }

/** One inference input: an array for a single-input model, or values per input name. */
export type InferenceRow = number[] | Record<string, number[]>;
/**
 * A batch for a single-input model in its compact form: `rows` rows of `width` values each,
 * row-major in one flat array. Cheaper than nested rows: one array to parse and copy, none per row.
 * A Float32Array of exactly rows × width values feeding a float32 input goes to onnxruntime as is,
 * without a copy: it must not change until `run` resolves.
 */
export interface FlatBatch { flat: ArrayLike<number>; rows: number; width: number }
export type InferenceInput = readonly InferenceRow[] | FlatBatch;

export const isFlatBatch = (x: InferenceInput): x is FlatBatch => !Array.isArray(x);
export const batchSize = (x: InferenceInput): number => (isFlatBatch(x) ? x.rows : x.length);
/** Row `r` of a batch as numbers (a view-free copy for flat batches); undefined for object rows. */
export function rowOf(x: InferenceInput, r: number): readonly number[] | undefined {
  if (!isFlatBatch(x)) { const row = x[r]; return Array.isArray(row) ? row : undefined; }
  return Array.prototype.slice.call(x.flat, r * x.width, (r + 1) * x.width) as number[];
}
export interface RowResult { outputs: Record<string, number[]>; prediction: number; score: number }
/** `outputs: false`: only predictions and scores (rows get an empty `outputs`), no array per row and output. */
export interface RunOptions { outputs?: boolean }
const NO_OUTPUTS: Record<string, number[]> = Object.freeze({}) as Record<string, number[]>;

type Ort = typeof import('onnxruntime-node');
type Session = import('onnxruntime-node').InferenceSession;

let ortPromise: Promise<Ort> | undefined;
/** onnxruntime-node is loaded on first use, so hosts without ONNX models never load the native library. */
export const loadOrt = (): Promise<Ort> => (ortPromise ??= import('onnxruntime-node').then((m) => ((m as unknown as { default?: Ort }).default ?? m)));

export interface SessionOptions {
  /** 'cpu' (default) or 'cuda': CUDA is used only when onnxruntime-node lists it as available, else CPU. */
  executionProvider?: 'cpu' | 'cuda';
  /** Intra-op threads (default 1: many small models on a shared machine). */
  threads?: number;
}

const TYPED: Record<string, (n: number) => ArrayLike<number | bigint> & { [i: number]: number | bigint }> = {
  float32: (n) => new Float32Array(n), float64: (n) => new Float64Array(n), int32: (n) => new Int32Array(n),
  int64: (n) => new BigInt64Array(n), uint8: (n) => new Uint8Array(n), int8: (n) => new Int8Array(n),
};

const rowWidth = (t: TensorSpec) => t.shape.slice(1).reduce<number>((a, d) => a * (typeof d === 'number' ? d : Number.NaN), 1);

/** Which execution provider a session will get: CUDA only when asked for and present. */
export async function pickProvider(wanted: SessionOptions['executionProvider']): Promise<'cpu' | 'cuda'> {
  if (wanted !== 'cuda') return 'cpu';
  const ort = await loadOrt();
  return ort.listSupportedBackends().some((b) => b.name === 'cuda' && b.bundled) ? 'cuda' : 'cpu';
}

/**
 * An ONNX model loaded in onnxruntime-node. Inputs are rows: each input tensor has a batch
 * dimension first and a fixed size after it (e.g. [N, 8]); a batch of rows becomes one run.
 */
export class OnnxModel {
  private constructor(private readonly session: Session, private readonly ort: Ort, readonly schema: ModelSchema, readonly provider: 'cpu' | 'cuda', readonly bytes: number) {}

  /** ERR_MODEL_INVALID when onnxruntime cannot load the bytes (the message says why). */
  static async load(bytes: Uint8Array, opts: SessionOptions = {}): Promise<OnnxModel> {
    const ort = await loadOrt();
    const provider = await pickProvider(opts.executionProvider);
    let session: Session;
    try {
      // Log severity 4 (fatal only): run-time failures reach the caller as ERR_INFERENCE_FAILED, not as stderr noise.
      session = await ort.InferenceSession.create(bytes, { executionProviders: [provider], intraOpNumThreads: opts.threads ?? 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 4 });
    } catch (e) {
      throw new OutpostError('ERR_MODEL_INVALID', `ONNX model (${bytes.length} bytes) cannot be loaded by onnxruntime: ${(e as Error).message}`);
    }
    const spec = (m: import('onnxruntime-node').InferenceSession.ValueMetadata): TensorSpec =>
      ({ name: m.name, type: m.isTensor ? m.type : 'non-tensor', shape: m.isTensor ? [...m.shape] : [] });
    return new OnnxModel(session, ort, { inputs: session.inputMetadata.map(spec), outputs: session.outputMetadata.map(spec) }, provider, bytes.length);
  }

  /** Runs a batch of rows as one session run; ERR_INFERENCE_INPUT names the row and input that do not fit the schema. */
  async run(batch: InferenceInput, opts: RunOptions = {}): Promise<RowResult[]> {
    const n = batchSize(batch);
    const feeds: Record<string, import('onnxruntime-node').Tensor> = {};
    for (const input of this.schema.inputs) {
      const make = TYPED[input.type];
      const width = rowWidth(input);
      if (!make || !Number.isFinite(width)) throw new OutpostError('ERR_INFERENCE_INPUT', `input ${input.name} has type ${input.type} and shape [${input.shape.join(', ')}]; the API feeds numeric tensors shaped [batch, fixed sizes…]`);
      const big = input.type === 'int64';
      let data: ArrayLike<number | bigint>;
      if (isFlatBatch(batch)) {
        if (this.schema.inputs.length !== 1) throw new OutpostError('ERR_INFERENCE_INPUT', `a flat batch (inputs + shape) feeds single-input models; this model has ${this.schema.inputs.length} inputs, send an object per row`);
        if (batch.width !== width) throw new OutpostError('ERR_INFERENCE_INPUT', `shape gives ${batch.width} values per row; the model expects ${width} (shape [${input.shape.join(', ')}])`);
        const where = (i: number) => `inputs[${i}] (row ${Math.floor(i / width)})`;
        if (input.type === 'float32' && batch.flat instanceof Float32Array && batch.flat.length === n * width) data = checkFinite(batch.flat, where, input.type);
        else { data = make(n * width); fill(data, batch.flat, 0, n * width, big, where, input.type); }
      } else {
        data = make(n * width);
        for (let r = 0; r < n; r++) {
          const values = valuesOf(batch[r]!, input.name, this.schema.inputs.length, r);
          if (values.length !== width) throw new OutpostError('ERR_INFERENCE_INPUT', `input ${r}: ${input.name} has ${values.length} values; the model expects ${width} (shape [${input.shape.join(', ')}])`);
          fill(data, values, r * width, width, big, (i) => `input ${r}: ${input.name}[${i}]`, input.type);
        }
      }
      feeds[input.name] = new this.ort.Tensor(input.type as 'float32', data as Float32Array, [n, ...input.shape.slice(1) as number[]]);
    }
    let out: Record<string, import('onnxruntime-node').Tensor>;
    try {
      out = await this.session.run(feeds) as Record<string, import('onnxruntime-node').Tensor>;
    } catch (e) {
      throw new OutpostError('ERR_INFERENCE_FAILED', `onnxruntime failed on a batch of ${n}: ${(e as Error).message}`);
    }
    return splitRows(out, this.schema.outputs, n, opts.outputs ?? true);
  }

  release(): Promise<void> { return this.session.release(); }
}

/** Copies `count` finite numbers from `values` into `data` at `at`; `where(i)` names a bad value for the error. */
function fill(data: { [i: number]: number | bigint }, values: ArrayLike<unknown>, at: number, count: number, big: boolean, where: (i: number) => string, type: string): void {
  if (!big && (values instanceof Float64Array || values instanceof Float32Array)) return fillTyped(data as Float32Array, values, at, count, where, type);
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new OutpostError('ERR_INFERENCE_INPUT', `${where(i)} is ${JSON.stringify(v)}; expected a finite number (${type})`);
    data[at + i] = big ? BigInt(Math.trunc(v)) : v;
  }
}

/**
 * `fill` for float arrays (flat batches from pipelines and binary bodies): a check loop that sees
 * only typed arrays and one native conversion copy, instead of a per-value loop that sees every
 * kind of input array (which made its element access slow for all of them).
 */
function fillTyped(data: Float32Array, values: Float64Array | Float32Array, at: number, count: number, where: (i: number) => string, type: string): void {
  const from = count === values.length ? values : values.subarray(0, count);
  data.set(checkFinite(from, where, type), at);
}

/** `values` when all are finite; else ERR_INFERENCE_INPUT naming the first that is not. */
function checkFinite<T extends Float64Array | Float32Array>(values: T, where: (i: number) => string, type: string): T {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // v - v is 0 only for finite numbers
    if (v - v !== 0) throw new OutpostError('ERR_INFERENCE_INPUT', `${where(i)} is ${JSON.stringify(v)}; expected a finite number (${type})`);
  }
  return values;
}

function valuesOf(row: InferenceRow, name: string, inputs: number, r: number): unknown[] {
  if (Array.isArray(row)) {
    if (inputs !== 1) throw new OutpostError('ERR_INFERENCE_INPUT', `input ${r} is an array, but the model has ${inputs} inputs; send an object with a value list per input name`);
    return row;
  }
  if (typeof row !== 'object' || row === null) throw new OutpostError('ERR_INFERENCE_INPUT', `input ${r} is ${JSON.stringify(row)}; expected an array of numbers or an object of arrays per input name`);
  const v = row[name];
  if (!Array.isArray(v)) throw new OutpostError('ERR_INFERENCE_INPUT', `input ${r} has no array for input "${name}" (has ${Object.keys(row).join(', ') || 'nothing'})`);
  return v;
}

/**
 * Per row: every output's values, the prediction (the value, or the arg-max class of a vector) and
 * its score. Plain loops over the output tensors: this runs for every row of every call.
 */
function splitRows(out: Record<string, import('onnxruntime-node').Tensor>, outputs: TensorSpec[], n: number, withOutputs: boolean): RowResult[] {
  const rows: RowResult[] = new Array(n);
  for (let r = 0; r < n; r++) rows[r] = { outputs: withOutputs ? {} : NO_OUTPUTS, prediction: Number.NaN, score: Number.NaN };
  for (let k = 0; k < outputs.length; k++) {
    if (k !== 0 && !withOutputs) break;
    const spec = outputs[k]!;
    const t = out[spec.name];
    if (!t) continue;
    const data = t.data as ArrayLike<number | bigint>;
    const width = n === 0 ? 0 : data.length / n;
    for (let r = 0; r < n; r++) {
      const at = r * width;
      let best = 0;
      let top = Number(data[at]);
      for (let i = 1; i < width; i++) {
        const v = Number(data[at + i]!);
        if (v > top) { best = i; top = v; }
      }
      const row = rows[r]!;
      if (withOutputs) {
        const vals: number[] = new Array(width);
        for (let i = 0; i < width; i++) vals[i] = Number(data[at + i]!);
        row.outputs[spec.name] = vals;
      }
      if (k !== 0) continue;
      row.prediction = width === 1 ? top : best;
      row.score = top;
    }
  }
  return rows;
}
