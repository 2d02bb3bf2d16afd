import { createHash } from 'node:crypto';
import { OutpostError } from '@outpost/contract';
import {
  CONVERSION_HINTS, EXECUTABLE_FORMATS, detectorFromArtifact, frameworkOf, referenceFromSample, resolveFormat, validateOnnx,
  type DeclaredSchema, type DriftReference, type ModelFormat, type ModelSchema, type SessionOptions,
} from '@outpost/ml';
import type { ModelMeta, NewVersion } from './repo.js';

/** Query parameters of an upload (the body is the file). */
export interface UploadQuery {
  format?: string; filename?: string; description?: string; schema?: string;
  expectedLatencyMs?: number; metrics?: string; features?: string;
}

/** A detector scores a series of values: one number per row, one score out. */
export const DETECTOR_SCHEMA: ModelSchema = {
  inputs: [{ name: 'value', type: 'float64', shape: ['N', 1] }],
  outputs: [{ name: 'score', type: 'float64', shape: ['N', 1] }],
};

function jsonParam<T>(name: string, text: string | undefined, check: (v: unknown) => string | null): T | undefined {
  if (text === undefined) return undefined;
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) {
    throw new OutpostError('ERR_MODEL_INVALID', `query parameter ${name} is not valid JSON: ${(e as Error).message}`);
  }
  const problem = check(v);
  if (problem) throw new OutpostError('ERR_MODEL_INVALID', `query parameter ${name}: ${problem}`);
  return v as T;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkDeclared(v: unknown): string | null {
  if (!isObj(v)) return 'expected {"inputs": [...], "outputs": [...]}';
  for (const side of ['inputs', 'outputs']) {
    const list = v[side];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `${side} must be a list`;
    for (const [i, t] of list.entries()) {
      if (!isObj(t) || typeof t.name !== 'string') return `${side}[${i}] needs a name`;
      if (t.type !== undefined && typeof t.type !== 'string') return `${side}[${i}].type must be a string such as float32`;
      if (t.shape !== undefined && (!Array.isArray(t.shape) || t.shape.some((d) => !(typeof d === 'string' || typeof d === 'number' || d === null)))) return `${side}[${i}].shape must list numbers, names or null`;
    }
  }
  return null;
}

const checkMetrics = (v: unknown) => (isObj(v) && Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x)) ? null : 'expected an object of numbers, e.g. {"auc": 0.93}');

/** A reference distribution from a sample of input rows (PATCH), or given as bins. */
export function referenceOf(sample: number[][] | undefined, width: number | null): DriftReference | undefined {
  if (sample === undefined) return undefined;
  if (width !== null && sample.some((r) => r.length !== width)) throw new OutpostError('ERR_MODEL_INVALID', `referenceSample rows must have ${width} values (the model's input width)`);
  return referenceFromSample(sample);
}

/** Input row width of a single-input model with a fixed row shape; null otherwise. */
export const rowWidth = (schema: ModelSchema | null): number | null => {
  const t = schema?.inputs.length === 1 ? schema.inputs[0]! : undefined;
  if (!t || t.shape.slice(1).some((d) => typeof d !== 'number')) return null;
  return t.shape.slice(1).reduce<number>((a, d) => a * (d as number), 1);
};

/**
 * Everything the registry checks before it stores an upload: the format (from the bytes; a
 * pickle is recognised by its first bytes and never loaded), and for executable formats that the
 * file loads, matches the declared schema and runs once on a generated input.
 */
export async function prepareUpload(name: string, bytes: Uint8Array, q: UploadQuery, by: string, at: number, session: SessionOptions): Promise<{ version: NewVersion; format: ModelFormat }> {
  const format = resolveFormat(bytes, q.format, q.filename);
  const declared = jsonParam<DeclaredSchema>('schema', q.schema, checkDeclared);
  const metrics = jsonParam<Record<string, number>>('metrics', q.metrics, checkMetrics) ?? {};
  const features = q.features === undefined ? null : q.features.split(',').map((s) => s.trim()).filter(Boolean);
  let schema: ModelSchema | null = null;
  let testLatencyMs: number | null = null;
  if (format === 'onnx') {
    const v = await validateOnnx(bytes, declared, session);
    schema = v.schema;
    testLatencyMs = v.testLatencyMs;
  } else if (format === 'outpost-detector') {
    detectorFromArtifact(Buffer.from(bytes).toString('utf8'));
    schema = DETECTOR_SCHEMA;
  } else if (declared) {
    // Not executable: the declared schema is kept as the uploader's word (it cannot be checked).
    schema = { inputs: (declared.inputs ?? []).map((t) => ({ name: t.name, type: t.type ?? 'unknown', shape: (t.shape ?? []).map((d) => d ?? '?') })), outputs: (declared.outputs ?? []).map((t) => ({ name: t.name, type: t.type ?? 'unknown', shape: (t.shape ?? []).map((d) => d ?? '?') })) };
  }
  const width = rowWidth(schema);
  if (features && width !== null && features.length !== width) {
    throw new OutpostError('ERR_MODEL_INVALID', `features names ${features.length} metrics, but the model's input takes ${width} values per row`);
  }
  const meta: ModelMeta = {
    filename: q.filename ?? null, expectedLatencyMs: q.expectedLatencyMs ?? null, metrics, features, reference: null, testLatencyMs, conversion: CONVERSION_HINTS[format],
  };
  return {
    format,
    version: {
      name, format, framework: frameworkOf(format), executable: EXECUTABLE_FORMATS.has(format), description: q.description ?? '',
      sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), schema, meta, createdBy: by, createdAt: at,
    },
  };
}
