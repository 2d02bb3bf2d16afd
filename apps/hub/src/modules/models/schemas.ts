import { Type } from '@sinclair/typebox';
import { MODEL_FORMATS } from '@outpost/ml';
import { Obj, RangeQuery } from '../../core/route-kit.js';
import { CreateBody } from '../deployments/schemas.js';
import { MODEL_TAGS } from './repo.js';

export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$';
const Name = Type.String({ pattern: NAME_PATTERN });
const Version = Type.Integer({ minimum: 1 });
export const Tag = Type.Unsafe<(typeof MODEL_TAGS)[number]>({ type: 'string', enum: [...MODEL_TAGS] });

export const NameParams = Obj({ name: Name });
export const VersionParams = Obj({ name: Name, version: Version });
export const TagParams = Obj({ name: Name, tag: Tag });
export const ModelIdParams = Obj({ modelId: Name });

export const UploadQuery = Obj({
  format: Type.Optional(Type.String({ enum: [...MODEL_FORMATS], description: 'Declared format; detected from the bytes when omitted.' })),
  filename: Type.Optional(Type.String({ maxLength: 200 })),
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  schema: Type.Optional(Type.String({ maxLength: 20_000, description: 'Declared input/output schema as JSON: {"inputs":[{"name","type","shape"}],"outputs":[…]}; must match the ONNX graph.' })),
  expectedLatencyMs: Type.Optional(Type.Number({ minimum: 0 })),
  metrics: Type.Optional(Type.String({ maxLength: 4000, description: 'Accuracy metrics as a JSON object of numbers, e.g. {"auc":0.93}.' })),
  features: Type.Optional(Type.String({ maxLength: 4000, description: 'Comma-separated metric names that form one input row in pipeline model nodes.' })),
  tag: Type.Optional(Tag),
});

export const PatchBody = Obj({
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  expectedLatencyMs: Type.Optional(Type.Union([Type.Number({ minimum: 0 }), Type.Null()])),
  metrics: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Number())),
  features: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 10_000 }), Type.Null()])),
  referenceSample: Type.Optional(Type.Array(Type.Array(Type.Number()), { minItems: 10, maxItems: 100_000, description: 'Rows of training inputs; the drift reference (10 quantile bins per feature) is computed from them.' })),
});

export const DeprecateBody = Obj({ reason: Type.String({ minLength: 1, maxLength: 1000 }) });
export const TagBody = Obj({ version: Version });

export const InferenceQuery = Obj({
  version: Type.Optional(Version),
  tag: Type.Optional(Tag),
  mode: Type.Optional(Type.String({ enum: ['sync', 'async'], default: 'sync' })),
  shape: Type.Optional(Type.String({ maxLength: 100, description: 'For an application/octet-stream body: rows,size[,size…] of its float32 values, e.g. 64,8.' })),
});
/** Rows are checked by the inference service (clear per-row errors, no schema cost on large batches). */
export const InferenceBody = Obj({
  input: Type.Optional(Type.Unknown({ description: 'One input: an array of numbers, or an object of arrays per input name.' })),
  inputs: Type.Optional(Type.Array(Type.Unknown(), { description: 'A batch of inputs; with `shape`, the batch flattened row-major into one number array.' })),
  shape: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 2, maxItems: 8, description: 'Compact batch for a single-input model: [rows, sizes…] of `inputs` given as one flat number array (less to parse than nested rows).' })),
  ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { description: 'One id per input: the predictions are kept so ground truth can be posted for them.' })),
  outputs: Type.Optional(Type.Boolean({ description: 'Also return every output tensor per input.' })),
});

export const GroundTruthBody = Obj({
  labels: Type.Array(Obj({ id: Type.String({ minLength: 1, maxLength: 200 }), label: Type.Number() }), { minItems: 1, maxItems: 10_000 }),
});

export const MonitoringQuery = Obj({
  ...RangeQuery,
  version: Type.Optional(Version),
  bySource: Type.Optional(Type.Boolean({ description: 'One row per source (hub, or a gateway device id) instead of all sources merged.' })),
  format: Type.Optional(Type.String({ enum: ['json', 'csv'], default: 'json' })),
});

export const KeyLimitParams = Obj({ keyId: Type.String({ minLength: 1, maxLength: 200 }) });
export const KeyLimitBody = Obj({ perMinute: Type.Integer({ minimum: 1, maximum: 1_000_000 }) });

/** A deployment of a registry version: the deployments module's body without the artifact (it is this version). */
const { artifact: _artifact, name: _name, start: _start, ...deployProps } = CreateBody.properties;
export const DeployBody = Obj({ ...deployProps, start: Type.Optional(Type.Boolean({ default: true, description: 'Start at once (default); false creates it for a later POST /v1/deployments/{id}/start.' })) });

export const CompareQuery = Obj({
  ...RangeQuery,
  a: Version,
  b: Version,
});
