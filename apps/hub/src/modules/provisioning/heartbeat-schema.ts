import { Type } from '@sinclair/typebox';
import { DEVICE_DEPLOY_STATES, type DeploymentReport } from '@outpost/contract/artifacts';
import { Obj } from '../../core/route-kit.js';

const Num = Type.Number();
/** The heartbeat body (see HeartbeatRequest in @outpost/contract/api/hub). */
export const HeartbeatBody = Obj({
  status: Type.Unsafe<'online' | 'degraded'>({ type: 'string', enum: ['online', 'degraded'] }),
  uptimeS: Type.Optional(Type.Number({ minimum: 0 })),
  versions: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 100 }))),
  services: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 100 }))),
  system: Type.Optional(Obj({
    cpu: Type.Optional(Num), memory: Type.Optional(Num), disk: Type.Optional(Num), temperature: Type.Optional(Num),
    netRxBytes: Type.Optional(Num), netTxBytes: Type.Optional(Num),
    diskFreeBytes: Type.Optional(Type.Number({ minimum: 0 })), memFreeBytes: Type.Optional(Type.Number({ minimum: 0 })),
  })),
  buffer: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown())),
  lastTelemetryAt: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  config: Type.Optional(Obj({
    applied: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]),
    error: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), Type.Null()])),
  })),
  deployments: Type.Optional(Type.Array(Obj({
    assignmentId: Type.String({ minLength: 1, maxLength: 200 }),
    status: Type.Unsafe<'deployed' | 'active' | 'failed'>({ type: 'string', enum: ['deployed', 'active', 'failed'] }),
    reason: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), Type.Null()])),
  }), { maxItems: 500 })),
  artifacts: Type.Optional(Type.Array(Obj({
    deploymentId: Type.String({ minLength: 1, maxLength: 200 }),
    state: Type.Unsafe<DeploymentReport['state']>({ type: 'string', enum: DEVICE_DEPLOY_STATES.filter((s) => s !== 'pending' && s !== 'skipped') }),
    version: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    error: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), Type.Null()])),
    metrics: Type.Optional(Obj({ errorRate: Type.Optional(Type.Number({ minimum: 0 })), latencyMs: Type.Optional(Type.Number({ minimum: 0 })) })),
    at: Type.Optional(Type.Integer({ minimum: 0 })),
  }), { maxItems: 500, description: 'Progress per deployment (see DeploymentReport in @outpost/contract/artifacts).' })),
  models: Type.Optional(Type.Array(Type.Object({
    model: Type.String({ minLength: 1, maxLength: 200 }), version: Type.String({ minLength: 1, maxLength: 100 }),
    count: Type.Integer({ minimum: 0 }), errors: Type.Integer({ minimum: 0 }),
    latency: Type.Record(Type.String({ pattern: '^[0-9]{1,4}$' }), Type.Integer({ minimum: 0 }), { maxProperties: 500 }),
    drift: Type.Union([Type.Object({ psi: Num, kl: Num, samples: Type.Integer({ minimum: 0 }) }), Type.Null()]),
    from: Type.Integer({ minimum: 0 }), to: Type.Integer({ minimum: 0 }),
  }), { maxItems: 200 })),
  processors: Type.Optional(Type.Array(Obj({
    name: Type.String({ minLength: 1, maxLength: 64 }), version: Type.String({ minLength: 1, maxLength: 100 }), since: Type.Integer({ minimum: 0 }),
    invocations: Type.Integer({ minimum: 0 }), errors: Type.Integer({ minimum: 0 }), avgMs: Type.Number({ minimum: 0 }), p95Ms: Type.Number({ minimum: 0 }),
  }), { maxItems: 500, description: 'Processor usage per version since `since` (see ProcessorUsageReport in @outpost/contract/api/hub).' })),
  logs: Type.Optional(Type.Array(Obj({
    at: Type.Integer({ minimum: 0 }),
    level: Type.Unsafe<'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'>({ type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] }),
    msg: Type.String({ maxLength: 4000 }),
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$', description: 'The gateway part that logged the line (ingest, uplink, pipelines, …).' })),
  }), { maxItems: 500 })),
});
