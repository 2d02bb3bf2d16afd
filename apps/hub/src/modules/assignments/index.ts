import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { actorOf, errorResponses, IdParams, orgOf, Obj } from '../../core/route-kit.js';

const TargetKind = Type.Unsafe<'device_type' | 'device'>({ type: 'string', enum: ['device_type', 'device'] });
const AssignBody = Obj({
  targetKind: TargetKind, targetId: Type.String({ minLength: 1, maxLength: 200 }),
  artifactKind: Type.Unsafe<'pipeline' | 'rule' | 'processor' | 'model'>({ type: 'string', enum: ['pipeline', 'rule', 'processor', 'model'] }),
  name: Type.String({ minLength: 1, maxLength: 200 }), version: Type.String({ minLength: 1, maxLength: 100 }),
});
const ListQuery = Obj({ targetKind: Type.Optional(TargetKind), targetId: Type.Optional(Type.String({ maxLength: 200 })) });

/**
 * Assign pipeline/rule/processor versions to device types or devices; deployment status per device.
 * Deprecated: replaced by deployments (`/v1/deployments`, an immediate deployment is an assignment
 * that gateways act on, with per-device states and rollback). Kept, unchanged, for existing callers;
 * no gateway installs anything from an assignment. Every answer says so in `Deprecation`/`Link` headers.
 */
export const assignmentsModule: HubModule = {
  name: 'assignments',
  register(app, ctx) {
    const { store } = ctx.services;
    const tags = ['assignments'];
    const onSend = async (_req: FastifyRequest, reply: FastifyReply) => { reply.header('deprecation', 'true').header('link', '</v1/deployments>; rel="successor-version"'); };

    app.post('/v1/assignments', { preValidation: requires('write'), onSend, schema: { tags, summary: 'Assign a version (re-assigning another version re-points it: rollback).', deprecated: true, description: 'Deprecated: use deployments (POST /v1/deployments with strategy immediate); gateways act only on deployments.', body: AssignBody, response: errorResponses(404) } }, async (req, reply) => {
      const b = req.body as Static<typeof AssignBody>;
      const a = await store.assignments.assign(actorOf(req), { id: randomUUID(), ...b }, ctx.now());
      ctx.services.changes.bump();
      return reply.status(201).send(a);
    });
    app.get('/v1/assignments', { preValidation: requires('read'), onSend, schema: { tags, summary: 'Assignments with their per-device deployment status.', deprecated: true, description: 'Deprecated: use deployments (POST /v1/deployments with strategy immediate); gateways act only on deployments.', querystring: ListQuery } }, async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      return { items: await store.assignments.list(orgOf(req), q) };
    });
    app.delete('/v1/assignments/:id', { preValidation: requires('write'), onSend, schema: { tags, summary: 'Un-assign (devices fall back to their type\'s version, if any).', deprecated: true, description: 'Deprecated: use deployments (POST /v1/deployments with strategy immediate); gateways act only on deployments.', params: IdParams, response: errorResponses(404) } }, async (req, reply) => {
      await store.assignments.unassign(actorOf(req), (req.params as { id: string }).id, ctx.now());
      ctx.services.changes.bump();
      return reply.status(204).send();
    });
    app.get('/v1/devices/:id/deployments', { preValidation: requires('read'), onSend, schema: { tags, summary: 'What the device should run and how far it got (pending, deployed, active, failed).', deprecated: true, description: 'Deprecated: use deployments (POST /v1/deployments with strategy immediate); gateways act only on deployments.', params: IdParams, response: errorResponses(404) } }, async (req) => {
      return { items: await store.assignments.forDevice(orgOf(req), (req.params as { id: string }).id) };
    });
  },
};
