import type { FastifyInstance } from 'fastify';
import type { Logger } from '@outpost/contract';
import type { GatewayConfig } from '@outpost/config';
import type { GatewayStore } from '@outpost/storage';
import { createUplink, type Uplink } from '@outpost/uplink';

/**
 * A provisioned gateway's uplink identity (apps/gateway/src/hub-link): its hub device id and a
 * provider of its short-lived device token, instead of `gateway.id` and `gateway.uplink.token`.
 */
export interface UplinkIdentity { gateway: string; token: () => Promise<string> }

/** The store-and-forward uplink from `gateway.uplink` (undefined when disabled). */
export function uplinkFromConfig(config: GatewayConfig, store: GatewayStore, logger: Logger, now: () => number, identity?: UplinkIdentity): Uplink | undefined {
  const u = config.uplink;
  if (!u.enabled || u.url === undefined) return undefined;
  return createUplink({
    store, gateway: identity?.gateway ?? config.id, url: u.url, token: identity?.token ?? u.token, logger, now,
    points: u.points,
    limits: { maxBytes: Math.round(u.maxSizeMb * 1024 * 1024), maxAgeMs: u.maxAgeMs, ttlMs: u.ttlMs, dropCritical: u.dropCritical },
    batch: { minPoints: u.batchMinPoints, maxPoints: u.batchMaxPoints, maxBytes: u.batchMaxBytes, lingerMs: u.lingerMs },
    backoff: { minMs: u.backoffMinMs, maxMs: u.backoffMaxMs },
    probeIntervalMs: u.probeIntervalMs,
    requestTimeoutMs: u.requestTimeoutMs,
    rateLimitBytesPerS: u.rateLimitBytesPerS,
    compression: u.compression,
    gzipLevel: u.gzipLevel,
  });
}

/** `GET /v1/uplink/status`: buffer and link status (404 with a reason when the uplink is off). */
export function registerUplinkRoutes(app: FastifyInstance, uplink: Uplink | undefined): void {
  app.get('/v1/uplink/status', { schema: { summary: 'Uplink buffer status: pending per class, oldest age, drain rate, drops, link state, last error' } }, async (_req, reply) => {
    if (!uplink) return reply.code(404).send({ code: 'ERR_QUERY_INVALID', message: 'the uplink is disabled (gateway.uplink.enabled is false)' });
    return uplink.status();
  });
}
