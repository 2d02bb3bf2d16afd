import { OutpostError, type Logger, type Point } from '@outpost/contract';
import type { EngineErrorRecord, OutputItem, Sinks } from '@outpost/engine';
import { createWebhookSink } from '@outpost/operators/outputs/webhook-sink';
import type { ExportLimits, HubPoint, HubStore } from '@outpost/storage/hub/index';
import type { MqttPublisher, MqttCounters } from '@outpost/operators/outputs/mqtt-publisher';

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

/** Where `mqtt` and `outbox` nodes go on this hub (hub.pipelines); no publisher: `mqtt` nodes are refused. */
export interface HubOutputs {
  mqtt?: { publisher: MqttPublisher; topicPrefix: string } | undefined;
  outbox: ExportLimits;
}

export interface HubSinks {
  sinks: Sinks;
  /** Counters of output nodes kept by the sinks (MQTT published/dropped, outbox queued/evicted), by node id. */
  nodeStats(): Record<string, Record<string, number>>;
  close(): Promise<void>;
}

/** The config key that turns on the hub's MQTT sink, named in the compile error of `mqtt` nodes. */
export const HUB_MQTT_HINT = 'set hub.pipelines.mqtt.url to the broker hub pipelines publish to';

/**
 * Where the outputs of one live pipeline on the hub go: `store` with table `points` → the
 * organisation's time series (queryable like ingested data; not fed to pipelines again), any other
 * table and `alert` events → the `pipeline_outputs` table, `webhook` → a POST (the gateway's sink),
 * failed points and failed posts → the same table as `error` rows. `outbox` → the organisation's
 * pipeline outbox (drained by consumers through GET /v1/pipelines/outbox). `mqtt` → the broker of
 * hub.pipelines.mqtt, topics under its per-organisation prefix; without one, `mqtt` nodes are
 * compile errors that name that key.
 */
export function hubSinks(store: HubStore, orgId: string, pipelineId: string, now: () => number, logger: Logger, outputs: HubOutputs): HubSinks {
  const counters = new Map<string, Record<string, number>>();
  const countersOf = <T extends Record<string, number>>(nodeId: string, init: T): T => {
    const c = counters.get(nodeId) ?? {};
    for (const k of Object.keys(init)) c[k] ??= 0;
    counters.set(nodeId, c);
    return c as T;
  };
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
    outbox: {
      async enqueue(priority, items, meta) {
        const c = countersOf(meta.nodeId, { outboxQueued: 0, outboxEvicted: 0 });
        const r = await store.pipelineExports.enqueue(orgId, items.map((body) => ({ pipelineId, nodeId: meta.nodeId, priority, body })), now(), outputs.outbox);
        c.outboxQueued += r.queued;
        c.outboxEvicted += r.evicted;
      },
    },
    webhook: webhooks.sink,
    deadLetter: { reject: deadLetter },
  };
  const mqtt = outputs.mqtt;
  if (mqtt) {
    const prefix = mqtt.topicPrefix.replaceAll('{org}', orgId.replace(/[/#+\u0000]/g, '_'));
    sinks.mqtt = {
      // Waits only while the broker is up and the publisher's queue is over its bound; an outage never stalls the pipeline.
      publish(messages, meta) {
        const c = countersOf<MqttCounters & Record<string, number>>(meta.nodeId, { mqttPublished: 0, mqttDropped: 0 });
        return mqtt.publisher.send(messages.map((m) => ({ topic: prefix + m.topic, payload: JSON.stringify(m.payload), qos: m.qos, retain: m.retain })), c);
      },
    };
  }
  return {
    sinks,
    nodeStats: () => Object.fromEntries([...counters].map(([k, v]) => [k, { ...v }])),
    close: () => webhooks.close('the pipeline stopped'),
  };
}
