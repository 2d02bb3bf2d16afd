import { OutpostError } from '@outpost/contract';
import { OnnxModel, type InferenceRow, type ModelSchema, type SessionOptions, type TensorSpec } from './session.js';

/** A schema declared by the uploader: what it claims the graph takes and returns (all fields optional). */
export interface DeclaredTensor { name: string; type?: string; shape?: (number | string | null)[] }
export interface DeclaredSchema { inputs?: DeclaredTensor[]; outputs?: DeclaredTensor[] }

export interface OnnxValidation { schema: ModelSchema; testLatencyMs: number }

/** Differences between a declared schema and the graph's, one line each (empty when they agree). */
export function schemaDifferences(declared: DeclaredSchema, actual: ModelSchema): string[] {
  const out: string[] = [];
  for (const side of ['inputs', 'outputs'] as const) {
    const list = declared[side];
    if (!list) continue;
    const real = actual[side];
    if (list.length !== real.length) out.push(`${side}: declared ${list.length}, the graph has ${real.length} (${real.map((t) => t.name).join(', ')})`);
    for (const d of list) {
      const t = real.find((x) => x.name === d.name);
      if (!t) { out.push(`${side}: "${d.name}" is not in the graph (it has ${real.map((x) => x.name).join(', ')})`); continue; }
      if (d.type !== undefined && d.type !== t.type) out.push(`${side}: "${d.name}" declared ${d.type}, the graph says ${t.type}`);
      if (d.shape !== undefined && !shapeMatches(d.shape, t.shape)) out.push(`${side}: "${d.name}" declared shape [${d.shape.join(', ')}], the graph says [${t.shape.join(', ')}]`);
    }
  }
  return out;
}

/** A symbolic or unknown dimension on either side matches any symbol or unknown; numbers must be equal. */
function shapeMatches(declared: (number | string | null)[], actual: (number | string)[]): boolean {
  if (declared.length !== actual.length) return false;
  return declared.every((d, i) => {
    const a = actual[i]!;
    const dynamic = (x: number | string | null) => x === null || typeof x === 'string' || x < 0;
    return dynamic(d) ? dynamic(a) : d === a;
  });
}

/** One generated input row for a schema: every value 0.5 (1 for integer inputs), symbolic dims as 1. */
export function sampleRow(inputs: TensorSpec[]): InferenceRow {
  const row: Record<string, number[]> = {};
  for (const t of inputs) {
    const width = t.shape.slice(1).reduce<number>((a, d) => a * (typeof d === 'number' && d > 0 ? d : 1), 1);
    row[t.name] = new Array<number>(width).fill(t.type.startsWith('float') ? 0.5 : 1);
  }
  return row;
}

/**
 * Upload validation of an ONNX file: it loads in onnxruntime (ERR_MODEL_INVALID), the declared
 * schema matches the graph (ERR_MODEL_SCHEMA_MISMATCH), and one inference on a generated input
 * succeeds (ERR_MODEL_TEST_FAILED). Returns the schema read from the graph.
 */
export async function validateOnnx(bytes: Uint8Array, declared: DeclaredSchema | undefined, opts: SessionOptions = {}): Promise<OnnxValidation> {
  const model = await OnnxModel.load(bytes, opts);
  try {
    const diffs = declared ? schemaDifferences(declared, model.schema) : [];
    if (diffs.length) throw new OutpostError('ERR_MODEL_SCHEMA_MISMATCH', `declared schema does not match the ONNX graph: ${diffs.join('; ')}`, { differences: diffs });
    const unsupported = model.schema.inputs.filter((t) => t.shape.length < 1 || t.shape.slice(1).some((d) => typeof d !== 'number'));
    if (unsupported.length) {
      throw new OutpostError('ERR_MODEL_TEST_FAILED', `inputs ${unsupported.map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ')} need a batch dimension first and fixed sizes after it; the test inference cannot build an input`);
    }
    const started = performance.now();
    try {
      await model.run([sampleRow(model.schema.inputs)]);
    } catch (e) {
      throw new OutpostError('ERR_MODEL_TEST_FAILED', `test inference on a generated input (batch 1) failed: ${(e as Error).message}`);
    }
    return { schema: model.schema, testLatencyMs: performance.now() - started };
  } finally {
    await model.release();
  }
}
