import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '@outpost/storage/hub/index';
import { OutpostError } from '@outpost/contract';

/** Caller as the store's audit actor. Routes behind `requires` always have a principal. */
export function actorOf(req: FastifyRequest): Actor {
  const p = req.principal;
  if (!p) throw new OutpostError('ERR_AUTH_REQUIRED', 'a credential is required');
  return { orgId: p.orgId, id: p.actor };
}

export const orgOf = (req: FastifyRequest): string => actorOf(req).orgId;

/** Error responses every authenticated route can give, for the OpenAPI document. */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries([400, 401, 403, 429, ...statuses].map((s) => [s, { $ref: 'ErrorBody#' }]));

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

/** Time range in epoch ms as query parameters; `to` defaults to now (inclusive), `from` to 24 h before `to`. */
export const RangeQuery = {
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'Start, epoch ms (inclusive).' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'End, epoch ms (exclusive).' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
};

export function range(q: { from?: number; to?: number }, now: number): { from: number; to: number } {
  const to = q.to ?? now + 1;
  const from = q.from ?? to - 86_400_000;
  if (from >= to) throw new OutpostError('ERR_QUERY_INVALID', `from (${from}) must be before to (${to})`);
  return { from, to };
}

export const Obj = <T extends Record<string, TSchema>>(p: T) => Type.Object(p, { additionalProperties: false });
