import { OutpostError, type Logger, type Point } from '@outpost/contract';
import type { EngineErrorRecord, OutputItem, Sinks } from '@outpost/engine';
import { createWebhookSink } from '@outpost/operators/outputs/webhook-sink';
import type { HubPoint, HubStore } from '@outpost/storage/hub/index';

/** A `store` node with this table writes derived points into the hub's time series. */
export const POINTS_TABLE = 'points';

const isPoint = (i: OutputItem): i is Point => typeof (i as Point).device === 'string' && !('windowMs' in i);

function toHubPoint(p: Point): HubPoint {
  const v = p.value;
  const base = { deviceId: p.device, metric: p.metric, ts: p.ts, unit: p.unit ?? null };
  if (typeof v === 'number') return { ...base, value: v };
  if (typeof v === 'boolean') return { ...base, value: v ? 1 : 0 };
  if (typeof v === 'string') return { ...base, value: null, text: v };
  return { ...base, value: null };
}

/** Timeout of one webhook POST from a hub pipeline. */
export const HUB_WEBHOOK_TIMEOUT_MS = 10_000;

export interface HubSinks { sinks: Sinks; close(): Promise<void> }

/**
 * Where the outputs of one live pipeline on the hub go: `store` with table `points` → the
 * organisation's time series (queryable like ingested data; not fed to pipelines again), any other
 * table and `alert` events → the `pipeline_outputs` table, `webhook` → a POST (the gateway's sink),
 * failed points and failed posts → the same table as `error` rows. The hub has no outbox or MQTT
 * broker: those nodes are compile errors here.
 */
export function hubSinks(store: HubStore, orgId: string, pipelineId: string, now: () => number, logger: Logger): HubSinks {
  const deadLetter = async (errors: readonly EngineErrorRecord[]) => {
    await store.pipelineOutputs.write(orgId, errors.map((e) => ({ pipelineId, nodeId: e.nodeId, kind: 'error', table: null, body: e })), now());
  };
  const webhooks = createWebhookSink({
    timeoutMs: HUB_WEBHOOK_TIMEOUT_MS,
    deadLetter: (errors) => { void deadLetter(errors).catch((e: unknown) => logger.error({ err: e, orgId, pipeline: pipelineId }, 'recording failed webhook posts failed')); },
  });
  const sinks: Sinks = {
    store: {
      async write(table, items, meta) {
        if (table !== POINTS_TABLE) {
          await store.pipelineOutputs.write(orgId, items.map((body) => ({ pipelineId, nodeId: meta.nodeId, kind: 'store', table, body })), now());
          return;
        }
        if (!items.every(isPoint)) throw new OutpostError('ERR_ENGINE_SINK', `node '${meta.nodeId}': table '${POINTS_TABLE}' takes points; send rollup rows to another table`);
        await store.series.writePoints(orgId, items.map(toHubPoint));
      },
    },
    alert: {
      async raise(events) {
        logger.warn({ orgId, pipeline: pipelineId, alerts: events.length, first: events[0]?.message }, `pipeline ${pipelineId} raised ${events.length} alert(s)`);
        await store.pipelineOutputs.write(orgId, events.map((e) => ({ pipelineId, nodeId: e.nodeId, kind: 'alert', table: null, body: e })), now());
      },
    },
    webhook: webhooks.sink,
    deadLetter: { reject: deadLetter },
  };
  return { sinks, close: () => webhooks.close('the pipeline stopped') };
}
