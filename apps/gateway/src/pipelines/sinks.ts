import type { Logger, Point } from '@outpost/contract';
import type { AlertEvent, AlertSink, EngineErrorRecord, OutputItem, PriorityClass, Sinks } from '@outpost/engine';
import type { GatewayRollups, GatewayStore, RollupRow } from '@outpost/storage';
import type { Uplink } from '@outpost/uplink';
import { createWebhookSink } from '@outpost/operators/outputs/webhook-sink';
import { MqttPublisher, type MqttCounters } from '@outpost/operators/outputs/mqtt-publisher';

export interface GatewaySinkDeps {
  store: GatewayStore;
  rollups?: GatewayRollups | undefined;
  uplink?: Uplink | undefined;
  /** Broker `mqtt` nodes publish to (the gateway's own broker, or the one its MQTT client uses). */
  mqttBroker?: () => { url: string; username?: string | undefined; password?: string | undefined } | undefined;
  webhookTimeoutMs: number;
  /** Also hand alert events here (the gateway's alert rules, once wired); they are stored locally either way. */
  alertSink?: AlertSink | undefined;
  logger: Logger;
  now: () => number;
}

export interface GatewaySinks {
  sinks: Sinks;
  stats(): { storeRows: number; outboxItems: number; mqttMessages: number; mqttPublished: number; mqttDropped: number; webhookPosts: number; webhookFailures: number; alerts: number; deadLetters: number };
  close(): Promise<void>;
}

/** The uplink knows `low` where the engine says `bulk` (both: the least important class). */
const UPLINK_CLASS: Record<PriorityClass, 'critical' | 'high' | 'normal' | 'low'> = { critical: 'critical', high: 'high', normal: 'normal', bulk: 'low' };

export { MAX_WEBHOOKS_IN_FLIGHT } from '@outpost/operators/outputs/webhook-sink';

/** Bounds of the gateway's MQTT publisher: messages waiting for the broker (past it, while the broker is down, the oldest are dropped and counted) and publishes awaiting PUBACK. */
export const GATEWAY_MQTT_LIMITS = { maxQueued: 10_000, maxInFlight: 1000, reconnectMs: 1000 };

const isRollup = (i: OutputItem): i is OutputItem & RollupRow => typeof (i as { windowMs?: unknown }).windowMs === 'number';

/**
 * Where pipeline outputs go on the gateway. `store`: table `points` writes derived points back to
 * the raw store (queryable with GET /v1/points; not fed to pipelines again), `rollups` upserts
 * rollup rows into the rollup table, any other table name goes to `pipeline_outputs`. `outbox`:
 * the uplink (absent when it is disabled, so the compiler rejects outbox nodes). `alert`: the
 * `pipeline_alerts` table and a log line (until the alert rules of packages/alerts are wired in).
 * Webhooks are posted in the background so a slow endpoint never stalls the pipeline; a failed
 * post becomes a dead letter like any other failed item.
 */
export function createGatewaySinks(d: GatewaySinkDeps): GatewaySinks {
  const counts = { storeRows: 0, outboxItems: 0, mqttMessages: 0, alerts: 0, deadLetters: 0 };
  const insertOutput = d.store.db.prepare('INSERT INTO pipeline_outputs (at, pipeline_id, node_id, table_name, item) VALUES (?, ?, ?, ?, ?)');
  const insertAlert = d.store.db.prepare('INSERT INTO pipeline_alerts (at, pipeline_id, node_id, rule, severity, message, ts, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  let publisher: MqttPublisher | undefined;
  const mqttCounts: MqttCounters = { mqttPublished: 0, mqttDropped: 0 };

  const deadLetter = (errors: readonly EngineErrorRecord[], source = 'pipeline') => {
    if (errors.length === 0 || d.store.isClosed) return;
    const at = d.now();
    d.store.commit([], errors.map((e) => ({
      at, source, origin: `node ${e.nodeId}`, reason: e.code, message: e.message,
      raw: e.item === undefined ? undefined : JSON.stringify(e.item),
    })));
    counts.deadLetters += errors.length;
  };
  // At shutdown, posts still waiting on a slow endpoint are aborted (and dead-lettered) rather than awaited.
  const webhooks = createWebhookSink({ timeoutMs: d.webhookTimeoutMs, deadLetter: (errors) => deadLetter(errors) });

  const sinks: Sinks = {
    store: {
      write(table, items, meta) {
        if (table === 'points') {
          d.store.commit(items.filter((i) => !isRollup(i)) as Point[]);
        } else if (table === 'rollups' && d.rollups && items.every(isRollup)) {
          d.rollups.upsertRollups(items as unknown as RollupRow[]);
        } else {
          const at = d.now();
          d.store.db.transaction(() => { for (const i of items) insertOutput.run(at, meta.pipelineId, meta.nodeId, table, JSON.stringify(i)); })();
        }
        counts.storeRows += items.length;
      },
    },
    mqtt: {
      // Bounded: waits for room while the broker is up, drops (and counts) the oldest while it is down.
      publish(messages) {
        publisher ??= createPublisher(d);
        counts.mqttMessages += messages.length;
        return publisher.send(messages.map((m) => ({ topic: m.topic, payload: JSON.stringify(m.payload), qos: m.qos, retain: m.retain })), mqttCounts);
      },
    },
    webhook: webhooks.sink,
    alert: {
      raise(events: readonly AlertEvent[]) {
        const at = d.now();
        d.store.db.transaction(() => {
          for (const e of events) insertAlert.run(at, e.pipelineId, e.nodeId, e.rule, e.severity, e.message, e.ts, JSON.stringify(e.item));
        })();
        counts.alerts += events.length;
        for (const e of events) d.logger.warn({ pipeline: e.pipelineId, node: e.nodeId, rule: e.rule, severity: e.severity }, e.message);
        return d.alertSink?.raise(events);
      },
    },
    deadLetter: { reject: (errors) => deadLetter(errors) },
  };
  if (!d.mqttBroker) delete sinks.mqtt;
  if (d.uplink) {
    const uplink = d.uplink;
    sinks.outbox = {
      enqueue(priority, items, meta) {
        uplink.enqueue(UPLINK_CLASS[priority], 'pipeline', { pipelineId: meta.pipelineId, nodeId: meta.nodeId, items });
        counts.outboxItems += items.length;
      },
    };
  }
  return {
    sinks,
    stats: () => ({ ...counts, ...mqttCounts, ...webhooks.stats() }),
    async close() {
      await webhooks.close('the gateway is stopping');
      await publisher?.close();
    },
  };
}

function createPublisher(d: GatewaySinkDeps): MqttPublisher {
  const broker = d.mqttBroker?.();
  if (!broker) throw new Error('no MQTT broker to publish to (gateway.mqtt.mode is off)');
  return new MqttPublisher({ url: broker.url, username: broker.username, password: broker.password, clientId: `outpost-pipelines-${process.pid}`, ...GATEWAY_MQTT_LIMITS }, d.logger);
}
