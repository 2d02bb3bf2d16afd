import { Type } from '@sinclair/typebox';
import { Obj } from '../../core/route-kit.js';
import { DETECTORS } from '@outpost/ml';

const Id = Type.String({ minLength: 1, maxLength: 200 });

export const TrainingJobBody = Obj({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'Model name; the trained artifact becomes its next version.' }),
  algorithm: Type.String({ minLength: 1, maxLength: 50, description: `Detector kind: ${DETECTORS.map((d) => d.kind).join(', ')}.` }),
  devices: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 200, description: 'Device ids (or give deviceType).' })),
  deviceType: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Device type id: its active devices.' })),
  metrics: Type.Array(Id, { minItems: 1, maxItems: 20 }),
  from: Type.Integer({ minimum: 0, description: 'Start of the stored data, epoch ms (inclusive).' }),
  to: Type.Integer({ minimum: 0, description: 'End, epoch ms (exclusive).' }),
  params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]), { description: 'Hand-set hyper-parameters.' })),
  grid: Type.Optional(Type.Record(Type.String(), Type.Array(Type.Union([Type.Number(), Type.String()]), { minItems: 1, maxItems: 100 }), { description: 'Grid search: candidates per parameter (needs labels).' })),
  labels: Type.Optional(Type.String({ maxLength: 1_000_000, description: 'Label CSV: `timestamp` or `start,end` per line.' })),
});

export const ModelParams = Obj({ name: Id, version: Type.Integer({ minimum: 1 }) });
export const NameParams = Obj({ name: Id });

export const DeployBody = Obj({
  devices: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 1000 })),
  deviceType: Type.Optional(Id),
  metrics: Type.Optional(Type.Array(Id, { maxItems: 20, description: 'Metrics the hub scores live with this version (default: those of its training job; [] = none).' })),
});
