import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { OutpostError } from '@outpost/contract';
import type { HeartbeatResponse, RegisterResponse } from '@outpost/contract/api/hub';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { newSecret, parseSecret, secretMatches } from '../../core/secrets.js';
import { errorResponses } from '../../core/route-kit.js';
import { DeviceTokenBody, RegisterBody } from '../fleet/schemas.js';
import { Type } from '@sinclair/typebox';
import { Obj } from '../../core/route-kit.js';
import { HeartbeatBody } from './heartbeat-schema.js';
import { DesiredConfigCache } from './desired-cache.js';
import { HeartbeatWriter } from './heartbeat-writer.js';
import { UsageRepo } from '../models/usage.js';
import { modelsDb } from '../models/db.js';
import { digestOf } from '../deployments/digest.js';

/** Gateway-facing routes: register with a token, exchange the credential for a token, heartbeat. */
export const provisioningModule: HubModule = {
  name: 'provisioning',
  register(app, ctx) {
    const { store, auth } = ctx.services;
    const tags = ['provisioning'];
    const ttlMs = ctx.config.auth.deviceTokenTtlS * 1000;
    const desiredConfig = new DesiredConfigCache(store, ctx.now);
    // After a restart the whole fleet beats within one interval: load its desired state in bulk
    // first (in the background; a beat before its device is loaded joins the next batch).
    let closing = false;
    let warming: Promise<unknown> = Promise.resolve();
    app.addHook('onReady', async () => { warming = desiredConfig.warm(() => closing).catch((e: unknown) => app.log.warn({ err: e }, 'desired-state warm-up failed; devices load on their first beat')); });
    app.addHook('preClose', async () => { closing = true; await warming; });
    const heartbeats = new HeartbeatWriter(store);
    // Gateways ship model usage with each heartbeat; the models module owns (and creates) the table.
    const modelUsage = new UsageRepo(modelsDb(store), ctx.services.stored);
    const grant = (deviceId: string, orgId: string) => {
      const expiresAt = ctx.now() + ttlMs;
      return { token: auth.deviceTokens.sign(deviceId, orgId, expiresAt), expiresAt };
    };

    app.post('/v1/register', {
      schema: { tags, summary: 'A gateway registers with a registration token and its hardware id.', body: RegisterBody, security: [], response: errorResponses(409) },
    }, async (req, reply) => {
      const b = req.body as Static<typeof RegisterBody>;
      const parsed = parseSecret(b.token, 'ort');
      const tok = parsed && (await store.fleet.findRegistrationToken(parsed.prefix));
      if (!parsed || !tok || !secretMatches(parsed.secret, tok.secretHash)) throw new OutpostError('ERR_AUTH_INVALID', 'registration token is not valid');
      if (tok.usedAt !== null) throw new OutpostError('ERR_HUB_TOKEN_USED', `registration token ${tok.prefix} was already used; ask an org admin for a new one`);
      if (tok.expiresAt <= ctx.now()) throw new OutpostError('ERR_HUB_TOKEN_EXPIRED', `registration token ${tok.prefix} expired at ${new Date(tok.expiresAt).toISOString()}; ask an org admin for a new one`);
      const cred = newSecret('odc');
      const d = await store.fleet.registerDevice(tok, { id: randomUUID(), hardwareId: b.hardwareId, name: b.name ?? b.hardwareId, credentialPrefix: cred.prefix, credentialHash: cred.hash }, ctx.now());
      const body: RegisterResponse = { deviceId: d.id, orgId: d.orgId, credential: cred.token, deviceToken: grant(d.id, d.orgId), heartbeatIntervalS: ctx.config.heartbeatIntervalS };
      return reply.status(201).send(body);
    });

    app.post('/v1/device-token', {
      schema: { tags, summary: 'Exchange the device credential for a short-lived device token.', body: DeviceTokenBody, security: [], response: errorResponses(410) },
    }, async (req) => {
      const parsed = parseSecret((req.body as Static<typeof DeviceTokenBody>).credential, 'odc');
      const d = parsed && (await store.fleet.findDeviceByCredential(parsed.prefix));
      if (!parsed || !d || !secretMatches(parsed.secret, d.credentialHash)) throw new OutpostError('ERR_AUTH_INVALID', 'device credential is not valid');
      if (d.state === 'decommissioned') throw new OutpostError('ERR_HUB_DEVICE_DECOMMISSIONED', `device ${d.id} was decommissioned`);
      return grant(d.id, d.orgId);
    });

    const DesiredQuery = Obj({
      applied: Type.Optional(Type.String({ maxLength: 100, description: 'The config version running now.' })),
      artifacts: Type.Optional(Type.String({ maxLength: 100, description: 'The `artifactsDigest` of the last answer: a change of desired artifacts also ends the wait.' })),
      wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 60, default: 0, description: 'Seconds to wait for a change when already converged (long poll).' })),
    });
    // Long poll: a gateway learns of a config push or assignment at once instead of at its next heartbeat.
    app.get('/v1/desired', {
      preValidation: requires('device'),
      schema: { tags, summary: 'Desired state for this device; with wait, answers as soon as it differs from `applied` (long poll).', querystring: DesiredQuery, response: errorResponses(410) },
    }, async (req) => {
      const p = req.principal!;
      const q = req.query as Static<typeof DesiredQuery>;
      const deadline = Date.now() + (q.wait ?? 0) * 1000;
      for (;;) {
        const state = await store.fleet.getDeviceState(p.orgId, p.id);
        if (state !== 'active') throw new OutpostError('ERR_HUB_DEVICE_DECOMMISSIONED', `device ${p.id} is not active`);
        const want = await desiredConfig.get(p.orgId, p.id);
        const version = want.config?.version ?? null;
        const artifactsDigest = digestOf(want.artifacts);
        const changed = version !== (q.applied ?? null) || (q.artifacts !== undefined && q.artifacts !== artifactsDigest);
        const left = deadline - Date.now();
        if (changed || left <= 0) {
          return { config: version !== (q.applied ?? null) && want.config ? { version, body: want.config.body } : { version }, assignments: want.assignments, artifacts: want.artifacts, artifactsDigest, changed };
        }
        if (!(await ctx.services.changes.next(left))) {
          return { config: { version }, assignments: want.assignments, artifacts: want.artifacts, artifactsDigest, changed: false };
        }
      }
    });

    app.post('/v1/heartbeat', {
      preValidation: requires('device'),
      schema: { tags, summary: 'Gateway heartbeat: health in, desired state (config, token renewal) out.', body: HeartbeatBody, response: errorResponses(410) },
    }, async (req) => {
      const p = req.principal!;
      const b = req.body as Static<typeof HeartbeatBody>;
      const d = { id: p.id, orgId: p.orgId };
      const at = ctx.now();
      const { logs = [], config, deployments = [], artifacts = [], models = [], processors = [], ...health } = b;
      // The write checks that the device is active in its org (one statement with the update);
      // only a refused beat pays for the lookup that says why.
      if (!(await heartbeats.write(d.orgId, d.id, { at, status: b.status, body: health, logs, appliedConfig: config?.applied ?? null, configError: config?.error ?? null }))) {
        const state = await store.fleet.getDeviceState(p.orgId, p.id);
        if (state === 'decommissioned') throw new OutpostError('ERR_HUB_DEVICE_DECOMMISSIONED', `device ${p.id} was decommissioned`);
        throw new OutpostError('ERR_AUTH_INVALID', state ? `device ${p.id} is ${state}, not active` : 'device token names an unknown device');
      }
      if (deployments.length) await store.assignments.report(d.orgId, d.id, deployments, at);
      if (models.length) await modelUsage.record(d.orgId, d.id, models);
      if (processors.length) await store.processors.report(d.orgId, d.id, processors, at);
      if (artifacts.length) await store.rollouts.report(d.orgId, d.id, artifacts, at);
      const want = await desiredConfig.get(d.orgId, d.id);
      const desired = want.config;
      const res: HeartbeatResponse = { deviceId: d.id, heartbeatIntervalS: ctx.config.heartbeatIntervalS, config: { version: desired?.version ?? null }, assignments: want.assignments, artifacts: want.artifacts, expectedMetrics: want.expectedMetrics };
      if (desired && desired.version !== (config?.applied ?? null)) res.config.body = desired.body;
      // Renew past half-life, so a gateway that beats regularly never needs its credential again.
      if (p.tokenExpiresAt !== undefined && p.tokenExpiresAt - at < ttlMs / 2) res.deviceToken = grant(d.id, d.orgId);
      return res;
    });
  },
};
