import type { FastifyInstance } from 'fastify';
import type { Logger } from '@outpost/contract';
import type { GatewayConfig } from '@outpost/config';
import type { GatewayIngestor } from '@outpost/ingest';
import { MAX_QUERY_LIMIT, type GatewayStore } from '@outpost/storage';
import type { Uplink } from '@outpost/uplink';
import { registerRollupRoutes } from '../rollups/rollup-routes.js';
import { startRollups, type RollupService } from '../rollups/rollup-service.js';
import { registerPipelineRoutes } from './pipeline-routes.js';
import { startPipelines, type PipelineService, type PipelineServiceDeps } from './pipeline-service.js';

export interface Processing {
  rollups?: RollupService | undefined;
  pipelines: PipelineService;
  /** After ingest has stopped: finish in-flight batches, write open buckets and windows. */
  stop(): Promise<void>;
}

/**
 * The gateway's processing: continuous rollups and live pipelines, both fed with every committed
 * batch, plus their HTTP routes. Call before sources start and before the HTTP API listens.
 */
export async function startProcessing(config: GatewayConfig, d: {
  store: GatewayStore; ingestor: Pick<GatewayIngestor, 'onCommitted'>; uplink?: Uplink | undefined; http: FastifyInstance;
  logger: Logger; now: () => number; mqttBroker?: PipelineServiceDeps['mqttBroker'];
  /** Where pipeline `alert` nodes raise alerts (the gateway's alert engine). */
  alertSink?: PipelineServiceDeps['alertSink'];
}): Promise<Processing> {
  const rollups = config.rollups.enabled ? await startRollups(config, d.store, { logger: d.logger, now: d.now, uplink: d.uplink }) : undefined;
  let pipelines: PipelineService;
  try {
    pipelines = await startPipelines(config, d.store, { logger: d.logger, now: d.now, uplink: d.uplink, rollups: rollups?.table, mqttBroker: config.mqtt.mode === 'off' ? undefined : d.mqttBroker, alertSink: d.alertSink });
  } catch (e) {
    await rollups?.stop();
    throw e;
  }
  const unsubscribe = d.ingestor.onCommitted((points) => {
    void rollups?.add(points);
    void pipelines.process(points);
  });
  registerRollupRoutes(d.http, rollups);
  d.http.get('/v1/rollups/status', { schema: { tags: ['rollups'], summary: 'Rollup counters: accepted, late, key cap, rebuilt at start-up, deleted by age' } }, async (_req, reply) => (rollups ? rollups.stats() : reply.code(404).send({ error: { code: 'ERR_QUERY_INVALID', message: 'rollups are disabled (gateway.rollups.enabled is false)' } })));
  registerPipelineRoutes(d.http, { pipelines, store: d.store, testMaxPoints: Math.min(config.pipelines.testMaxPoints, MAX_QUERY_LIMIT) });
  return {
    rollups, pipelines,
    async stop() {
      unsubscribe();
      await pipelines.stop();
      await rollups?.stop();
    },
  };
}
