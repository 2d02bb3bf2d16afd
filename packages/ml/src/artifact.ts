import { Ajv } from 'ajv';
import { OutpostError } from '@outpost/contract';
import { createDetector, detectorEntry, resolveGuard, type DetectorModel, type DetectorSpec } from './registry.js';
import { resolveParams } from './params.js';
import type { Detector } from './types.js';

export const ARTIFACT_FORMAT = 'outpost.anomaly-model';
export const ARTIFACT_VERSION = 1;

/**
 * A trained (or hand-configured) detector as a versioned JSON document: what the hub stores as a
 * model version and ships to gateways. `createDetector(artifactToSpec(a))` rebuilds it anywhere.
 */
export interface ModelArtifact {
  format: typeof ARTIFACT_FORMAT;
  version: typeof ARTIFACT_VERSION;
  kind: string;
  params: Record<string, number | string>;
  guard: { missingWindow: number; stuckRun: number; missingSuppress?: number };
  /** Decision threshold on the score (fixed default, or chosen by evaluation). */
  threshold: number;
  trainedOn: { points: number; from: number | null; to: number | null };
  metrics: Record<string, number>;
  createdAt: string;
  model: DetectorModel | null;
}

const numbers = { type: 'array', items: { type: 'number' } } as const;

const treeSchema = {
  type: 'object', additionalProperties: false, required: ['f', 'v', 'l', 'r', 'lo', 'hi'],
  properties: {
    f: { type: 'array', items: { type: 'integer', minimum: -1 } },
    v: { type: 'array', items: { type: 'number' } },
    l: { type: 'array', items: { type: 'integer', minimum: -1 } },
    r: { type: 'array', items: { type: 'integer', minimum: -1 } },
    lo: { type: 'array', items: { type: 'number' } },
    hi: { type: 'array', items: { type: 'number' } },
  },
} as const;

/** JSON Schema (draft 2020-12 subset) of ModelArtifact v1. */
export const ARTIFACT_SCHEMA = {
  $id: 'https://outpost.dev/schemas/anomaly-model-v1.json',
  type: 'object',
  additionalProperties: false,
  required: ['format', 'version', 'kind', 'params', 'guard', 'threshold', 'trainedOn', 'metrics', 'createdAt', 'model'],
  properties: {
    format: { const: ARTIFACT_FORMAT },
    version: { const: ARTIFACT_VERSION },
    kind: { type: 'string', minLength: 1 },
    params: { type: 'object', additionalProperties: { type: ['number', 'string'] } },
    guard: {
      type: 'object', additionalProperties: false, required: ['missingWindow', 'stuckRun'],
      // missingSuppress is optional: artifacts written before it existed get the default.
      properties: { missingWindow: { type: 'integer', minimum: 2 }, stuckRun: { type: 'integer', minimum: 2 }, missingSuppress: { type: 'integer', minimum: 0 } },
    },
    threshold: { type: 'number', minimum: 0, maximum: 1.1 },
    trainedOn: {
      type: 'object', additionalProperties: false, required: ['points', 'from', 'to'],
      properties: { points: { type: 'integer', minimum: 0 }, from: { type: ['number', 'null'] }, to: { type: ['number', 'null'] } },
    },
    metrics: { type: 'object', additionalProperties: { type: 'number' } },
    createdAt: { type: 'string', minLength: 10 },
    model: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object', additionalProperties: false, required: ['sampleSize', 'features', 'trees'],
          properties: {
            sampleSize: { type: 'integer', minimum: 1 },
            features: { type: 'integer', minimum: 1 },
            trees: { type: 'array', minItems: 1, items: treeSchema },
          },
        },
        {
          type: 'object', additionalProperties: false, required: ['type', 'mean', 'std', 'gamma', 'sv', 'alpha', 'rho', 'scale'],
          properties: {
            type: { const: 'ocsvm' },
            mean: numbers, std: numbers, alpha: numbers,
            gamma: { type: 'number', exclusiveMinimum: 0 },
            sv: { type: 'array', minItems: 1, items: numbers },
            rho: { type: 'number' },
            scale: { type: 'number', exclusiveMinimum: 0 },
          },
        },
        {
          type: 'object', additionalProperties: false, required: ['type', 'window', 'units', 'mean', 'std', 'errScale', 'weights'],
          properties: {
            type: { const: 'lstm-ae' },
            window: { type: 'integer', minimum: 1 },
            units: { type: 'integer', minimum: 1 },
            mean: { type: 'number' },
            std: { type: 'number', exclusiveMinimum: 0 },
            errScale: { type: 'number', exclusiveMinimum: 0 },
            weights: {
              type: 'array', minItems: 1,
              items: {
                type: 'object', additionalProperties: false, required: ['shape', 'values'],
                properties: { shape: { type: 'array', items: { type: 'integer', minimum: 1 } }, values: numbers },
              },
            },
          },
        },
      ],
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(ARTIFACT_SCHEMA);

/** Parses and validates an artifact (object or JSON text); ERR_ML_ARTIFACT_INVALID lists the problems. */
export function parseArtifact(input: unknown): ModelArtifact {
  let doc = input;
  if (typeof input === 'string') {
    try { doc = JSON.parse(input); } catch (e) {
      throw new OutpostError('ERR_ML_ARTIFACT_INVALID', `model artifact is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!validate(doc)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    throw new OutpostError('ERR_ML_ARTIFACT_INVALID', `model artifact does not match ${ARTIFACT_FORMAT} v${ARTIFACT_VERSION}: ${problems.join('; ')}`, { problems });
  }
  const a = doc as unknown as ModelArtifact;
  // Semantic checks the schema cannot express: the kind exists and its params are in range.
  let entry;
  try {
    entry = detectorEntry(a.kind);
    resolveParams(a.kind, entry.params, entry.defaults, a.params);
  } catch (e) {
    throw new OutpostError('ERR_ML_ARTIFACT_INVALID', `model artifact: ${(e as Error).message}`, undefined, { cause: e });
  }
  if (entry.trainable && a.model === null) {
    throw new OutpostError('ERR_ML_ARTIFACT_INVALID', `model artifact of kind ${a.kind} has no trained model`);
  }
  const trees = a.model && 'trees' in a.model ? a.model.trees : [];
  if (a.model && ((a.kind === 'iforest') !== ('trees' in a.model) || ('type' in a.model && a.model.type !== a.kind))) {
    throw new OutpostError('ERR_ML_ARTIFACT_INVALID', `model artifact of kind ${a.kind} carries a model of another kind`);
  }
  if (a.model && 'type' in a.model && a.model.type === 'lstm-ae') {
    for (const [i, w] of a.model.weights.entries()) {
      if (w.values.length !== w.shape.reduce((x, y) => x * y, 1)) throw new OutpostError('ERR_ML_ARTIFACT_INVALID', `model artifact: weight ${i} has ${w.values.length} values for shape ${w.shape.join('x')}`);
    }
  }
  for (const [i, t] of trees.entries()) {
    const n = t.f.length;
    if (t.v.length !== n || t.l.length !== n || t.r.length !== n || t.lo.length !== n || t.hi.length !== n || t.l.some((c) => c >= n) || t.r.some((c) => c >= n)) {
      throw new OutpostError('ERR_ML_ARTIFACT_INVALID', `model artifact: tree ${i} has inconsistent node arrays`);
    }
  }
  return a;
}

export function artifactToSpec(a: ModelArtifact): DetectorSpec {
  return { kind: a.kind, params: a.params, guard: a.guard, model: a.model };
}

export function detectorFromArtifact(input: unknown): Detector {
  return createDetector(artifactToSpec(parseArtifact(input)));
}

export interface ArtifactInit {
  kind: string;
  params?: Record<string, unknown>;
  guard?: Record<string, unknown>;
  threshold?: number;
  trainedOn?: ModelArtifact['trainedOn'];
  metrics?: Record<string, number>;
  model?: DetectorModel | null;
  now?: () => Date;
}

export function makeArtifact(init: ArtifactInit): ModelArtifact {
  const entry = detectorEntry(init.kind);
  const a: ModelArtifact = {
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_VERSION,
    kind: entry.kind,
    params: resolveParams(entry.kind, entry.params, entry.defaults, init.params),
    guard: resolveGuard(entry.kind, init.guard),
    threshold: init.threshold ?? entry.threshold,
    trainedOn: init.trainedOn ?? { points: 0, from: null, to: null },
    metrics: init.metrics ?? {},
    createdAt: (init.now ?? (() => new Date()))().toISOString(),
    model: init.model ?? null,
  };
  return parseArtifact(JSON.parse(JSON.stringify(a)));
}
