import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { OutpostError } from '@outpost/contract';
import type { DeviceListQuery } from '@outpost/storage/hub/index';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { newSecret } from '../../core/secrets.js';
import { actorOf, errorResponses, IdParams, orgOf, range, RangeQuery, Obj } from '../../core/route-kit.js';
import { DeviceListQuerySchema, DevicePatchBody, DeviceTypeBody, RegTokenBody } from './schemas.js';
import { MISSED_BEATS_OFFLINE, withHealth } from './health-status.js';
import { Type } from '@sinclair/typebox';

const LogQuery = Obj({
  ...RangeQuery,
  level: Type.Optional(Type.Array(Type.String({ enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] }))),
  service: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$' }), { description: 'Only lines logged by these gateway parts (ingest, uplink, pipelines, …).' })),
});
const HbQuery = Obj(RangeQuery);

/** Device types, registration tokens and the device registry (list, detail, update, decommission, health history). */
export const fleetModule: HubModule = {
  name: 'fleet',
  register(app, ctx) {
    const { store } = ctx.services;
    const tags = ['fleet'];
    const interval = ctx.config.heartbeatIntervalS;

    app.post('/v1/device-types', { preValidation: requires('write'), schema: { tags, summary: 'Create a device type with its expected metrics (units, ranges).', body: DeviceTypeBody, response: errorResponses(409) } }, async (req, reply) => {
      const b = req.body as Static<typeof DeviceTypeBody>;
      for (const m of b.metrics) {
        if (m.min !== undefined && m.max !== undefined && m.min > m.max) throw new OutpostError('ERR_HUB_INVALID', `metrics "${m.name}": min ${m.min} is above max ${m.max}`);
      }
      return reply.status(201).send(await store.fleet.createDeviceType(actorOf(req), { id: randomUUID(), name: b.name, metrics: b.metrics }, ctx.now()));
    });
    app.get('/v1/device-types', { preValidation: requires('read'), schema: { tags, summary: 'Device types of the organisation.' } }, async (req) => ({ items: await store.fleet.listDeviceTypes(orgOf(req)) }));
    app.get('/v1/device-types/:id', { preValidation: requires('read'), schema: { tags, params: IdParams, response: errorResponses(404) } }, async (req) => {
      const t = await store.fleet.getDeviceType(orgOf(req), (req.params as { id: string }).id);
      if (!t) throw new OutpostError('ERR_HUB_NOT_FOUND', `device type ${(req.params as { id: string }).id} not found`);
      return t;
    });

    app.post('/v1/registration-tokens', { preValidation: requires('admin'), schema: { tags, summary: 'Create a one-time, expiring registration token (secret shown once).', body: RegTokenBody, response: errorResponses(404) } }, async (req, reply) => {
      const b = req.body as Static<typeof RegTokenBody>;
      const secret = newSecret('ort');
      const at = ctx.now();
      const t = await store.fleet.createRegistrationToken(actorOf(req), { id: randomUUID(), prefix: secret.prefix, secretHash: secret.hash, deviceTypeId: b.deviceTypeId ?? null, expiresAt: at + b.ttlS * 1000 }, at);
      return reply.status(201).send({ ...t, token: secret.token });
    });

    app.get('/v1/registration-tokens', { preValidation: requires('admin'), schema: { tags, summary: 'Registration tokens of the organisation, newest first (never the secrets).' } }, async (req) => ({ items: await store.fleet.listRegistrationTokens(orgOf(req)) }));
    app.delete('/v1/registration-tokens/:id', { preValidation: requires('admin'), schema: { tags, summary: 'Revoke an unused registration token (it expires now).', params: IdParams, response: errorResponses(404) } }, async (req) => (
      store.fleet.revokeRegistrationToken(actorOf(req), (req.params as { id: string }).id, ctx.now())));

    app.get('/v1/devices', { preValidation: requires('read'), schema: { tags, summary: 'List devices with filters, sorting and pagination.', querystring: DeviceListQuerySchema } }, async (req) => {
      const q = req.query as Static<typeof DeviceListQuerySchema>;
      const now = ctx.now();
      const offlineAfter = now - MISSED_BEATS_OFFLINE * interval * 1000;
      const lq: DeviceListQuery = { limit: q.limit ?? 50, offset: q.offset ?? 0, sort: q.sort ?? 'name', order: q.order ?? 'asc' };
      if (q.type !== undefined) lq.typeId = q.type;
      if (q.tag !== undefined) lq.tag = q.tag;
      if (q.group !== undefined) lq.group = q.group;
      if (q.q !== undefined) lq.text = q.q;
      switch (q.status) {
        case 'decommissioned': lq.state = 'decommissioned'; break;
        case 'offline': lq.state = 'active'; lq.notSeenSince = offlineAfter; break;
        case 'online': case 'degraded': lq.state = 'active'; lq.seenSince = offlineAfter; lq.lastStatus = q.status; break;
        default: break;
      }
      const r = await store.fleet.listDevices(orgOf(req), lq);
      return { items: r.items.map((d) => withHealth(d, now, interval)), total: r.total, limit: lq.limit, offset: lq.offset };
    });

    const device = async (orgId: string, id: string) => {
      const d = await store.fleet.getDevice(orgId, id);
      if (!d) throw new OutpostError('ERR_HUB_NOT_FOUND', `device ${id} not found`);
      return d;
    };

    app.get('/v1/devices/:id', { preValidation: requires('read'), schema: { tags, params: IdParams, response: errorResponses(404) } }, async (req) => {
      const d = await device(orgOf(req), (req.params as { id: string }).id);
      return { ...withHealth(d, ctx.now(), interval), desiredConfig: (await store.configs.effective(d.orgId, d.id))?.version ?? null };
    });

    app.patch('/v1/devices/:id', { preValidation: requires('write'), schema: { tags, summary: 'Update name, type, tags, groups, location, metadata.', params: IdParams, body: DevicePatchBody, response: errorResponses(404) } }, async (req) => {
      const d = await store.fleet.updateDevice(actorOf(req), (req.params as { id: string }).id, req.body as Static<typeof DevicePatchBody>, ctx.now());
      if ((req.body as Static<typeof DevicePatchBody>).typeId !== undefined) ctx.services.changes.bump();
      return withHealth(d, ctx.now(), interval);
    });

    app.post('/v1/devices/:id/decommission', { preValidation: requires('admin'), schema: { tags, summary: 'Decommission: the device credential and tokens stop working.', params: IdParams, response: errorResponses(404) } }, async (req) => {
      return store.fleet.decommissionDevice(actorOf(req), (req.params as { id: string }).id, ctx.now());
    });

    app.get('/v1/devices/:id/heartbeats', { preValidation: requires('read'), schema: { tags, summary: 'Heartbeats (status, system metrics, buffer) in a time range.', params: IdParams, querystring: HbQuery, response: errorResponses(404) } }, async (req) => {
      const d = await device(orgOf(req), (req.params as { id: string }).id);
      const q = req.query as Static<typeof HbQuery>;
      return { items: await store.health.heartbeats(d.orgId, d.id, { ...range(q, ctx.now()), limit: q.limit ?? 1000 }) };
    });

    app.get('/v1/devices/:id/logs', { preValidation: requires('read'), schema: { tags, summary: 'Gateway logs shipped with heartbeats, in a time range.', params: IdParams, querystring: LogQuery, response: errorResponses(404) } }, async (req) => {
      const d = await device(orgOf(req), (req.params as { id: string }).id);
      const q = req.query as Static<typeof LogQuery>;
      return { items: await store.health.logs(d.orgId, d.id, { ...range(q, ctx.now()), limit: q.limit ?? 1000, ...(q.level ? { levels: q.level } : {}), ...(q.service ? { services: q.service } : {}) }) };
    });
  },
};
