import { Type, type Static } from '@sinclair/typebox';
import { ARTIFACT_KINDS, ARTIFACT_NAME_PATTERN } from '@outpost/contract/artifacts';
import { Obj } from '../../core/route-kit.js';

const Name = Type.String({ pattern: ARTIFACT_NAME_PATTERN });
const Pct = Type.Number({ exclusiveMinimum: 0, maximum: 100 });
const Count = Type.Integer({ minimum: 1 });
const Secs = Type.Integer({ minimum: 0, maximum: 7 * 86_400 });

export const Target = Obj({
  deviceType: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Device type id.' })),
  group: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  devices: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 100_000 })),
  filter: Type.Optional(Type.String({ maxLength: 200, description: 'Reported gateway software version filter, e.g. `version < 2.2.0` (operators < <= > >= == !=).' })),
});

export const Strategy = Type.Union([
  Obj({ kind: Type.Literal('immediate') }),
  Obj({ kind: Type.Literal('canary'), percent: Type.Optional(Pct), count: Type.Optional(Count), soakS: Secs }),
  Obj({ kind: Type.Literal('rolling'), batchPercent: Type.Optional(Pct), batchSize: Type.Optional(Count), waitS: Secs }),
  Obj({ kind: Type.Literal('ab'), versionB: Name, percent: Type.Optional(Pct), soakS: Secs }),
]);

export const Gates = Obj({
  maxFailures: Type.Optional(Type.Integer({ minimum: 0, description: 'Trip when more devices than this have failed.' })),
  maxFailurePct: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Trip when more than this percentage of released devices failed.' })),
  maxErrorRate: Type.Optional(Type.Number({ minimum: 0, description: 'Pipelines/models: a device reporting a higher error rate counts as failed.' })),
  maxLatencyMs: Type.Optional(Type.Number({ minimum: 0, description: 'Pipelines/models: a device reporting a higher latency counts as failed.' })),
});

export const CreateBody = Obj({
  name: Type.Optional(Type.String({ maxLength: 200 })),
  artifact: Obj({ kind: Type.String({ enum: [...ARTIFACT_KINDS] }), name: Name, version: Name }),
  target: Target,
  strategy: Type.Optional(Strategy),
  gates: Type.Optional(Gates),
  onGate: Type.Optional(Type.Unsafe<'rollback' | 'pause'>({ type: 'string', enum: ['rollback', 'pause'], default: 'rollback' })),
  deviceTimeoutS: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 86_400, default: 900, description: 'A released device silent this long is failed: "no report within T".' })),
  healthS: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600, default: 30, description: 'How long the gateway health-checks the new version before it reports active.' })),
  start: Type.Optional(Type.Boolean({ default: false, description: 'Start at once.' })),
});
export type CreateBody = Static<typeof CreateBody>;
export type StrategyT = Static<typeof Strategy>;
export type GatesT = Static<typeof Gates> & { fromBatch?: number };
export type TargetT = Static<typeof Target>;

export const ActionParams = Obj({ id: Type.String({ minLength: 1, maxLength: 200 }), action: Type.Unsafe<'start' | 'pause' | 'resume' | 'cancel' | 'rollback'>({ type: 'string', enum: ['start', 'pause', 'resume', 'cancel', 'rollback'] }) });
