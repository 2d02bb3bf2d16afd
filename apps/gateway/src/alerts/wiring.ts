import type { Logger } from '@outpost/contract';
import type { GatewayConfig } from '@outpost/config';
import type { GatewayIngestor } from '@outpost/ingest';
import type { GatewayStore } from '@outpost/storage';
import type { Uplink } from '@outpost/uplink';
import { AlertEngine, changePayload, DeliveryLog, type MqttPublish } from '@outpost/alerts';
import { connectMqttPublisher } from '@outpost/alerts/actions/mqtt-publisher';
import { GatewayRuleSets } from './rule-sets.js';

export interface GatewayAlerts {
  engine: AlertEngine;
  /** The action delivery log (`alert_deliveries` in the gateway SQLite). */
  deliveries: DeliveryLog;
  /** Rule sets delivered by the hub, run beside gateway.alerts.rules (rule-sets.ts). */
  ruleSets: GatewayRuleSets;
  /**
   * Once the gateway's broker listens: `local` publishes straight into the embedded broker (no
   * client, no socket; used unless gateway.alerts.mqttUrl is set), else `mqtt` actions connect an
   * MQTT client to `brokerUrl`.
   */
  connect(brokerUrl: string | undefined, local?: MqttPublish): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Longest an evaluated alert's record waits to be written (with the others of that time, in one
 * transaction) and handed to the uplink. Its actions do not wait for it.
 */
const RECORD_DELAY_MS = 25;

/**
 * Alert rules on the gateway: evaluated synchronously on each input's points as soon as the ingest
 * core has validated them (before their group commit and its disk sync, so an action leaves
 * within the message's own tick); lifecycle records written at most RECORD_DELAY_MS later and
 * enqueued to the uplink as one critical `alerts` item per write. Undefined when
 * `gateway.alerts.enabled` is false.
 */
export function startGatewayAlerts(o: { config: GatewayConfig; store: GatewayStore; ingestor: Pick<GatewayIngestor, 'onAccepted'>; uplink?: Uplink; logger: Logger; now: () => number }): GatewayAlerts | undefined {
  const a = o.config.alerts;
  if (!a.enabled) return undefined;
  let publisher: Pick<Awaited<ReturnType<typeof connectMqttPublisher>>, 'publish'> & { close?: () => Promise<void> } | undefined;
  let ready: Promise<void> | undefined;
  const publish: MqttPublish = async (topic, payload, opts) => {
    if (ready) await ready;
    if (!publisher) throw new Error('no MQTT broker for alert actions (set gateway.alerts.mqttUrl or run the gateway with MQTT)');
    await publisher.publish(topic, payload, opts);
  };
  const uplink = a.uplink ? o.uplink : undefined;
  // Alert records and the delivery log acknowledge nothing to a sender: their disk sync runs off
  // the event loop, so an alert's actions never wait for the disk.
  const transaction = <T>(fn: () => T): T => o.store.transactionSyncLater(fn);
  const deliveries = new DeliveryLog(o.store.db, undefined, transaction);
  const engine = new AlertEngine({
    db: o.store.db, deliveries, transaction, recordDelayMs: RECORD_DELAY_MS, rules: a.rules, now: o.now, logger: o.logger, mqttPublish: publish,
    allowedCommands: a.allowedCommands,
    retry: { baseMs: a.retryBaseMs, maxMs: a.retryMaxMs, maxAttempts: a.maxAttempts },
    onChanges: uplink ? (changes) => { uplink.enqueue('critical', 'alerts', { gateway: o.config.id, changes: changes.map(changePayload) }); } : undefined,
  });
  const off = o.ingestor.onAccepted((points) => {
    try {
      engine.process(points);
    } catch (e) {
      o.logger.error({ err: e }, 'alert evaluation failed on accepted points');
    }
  });
  engine.start(a.tickMs);
  if (engine.cloudRules.length > 0) o.logger.info({ rules: engine.cloudRules }, `${engine.cloudRules.length} cloud-only alert rules are left to the hub`);
  let brokerUrl: string | undefined;
  // No client (and no connection on the broker) unless some rule publishes over MQTT; a rule set
  // from the hub that adds an MQTT action connects it then.
  const ensurePublisher = async () => {
    const url = a.mqttUrl ?? brokerUrl;
    const usesMqtt = (ruleSets.all() as Array<{ actions?: Array<{ type?: string }> }>).some((r) => (r.actions ?? []).some((x) => x.type === 'mqtt'));
    if (!url || !usesMqtt || publisher || ready) return ready;
    ready = connectMqttPublisher(url, { clientId: `outpost-alerts-${o.config.id}`, username: o.config.mqtt.username, password: o.config.mqtt.password })
      .then((p) => { publisher = p; })
      .catch((e: unknown) => { o.logger.error({ err: e, url }, 'alert actions cannot reach the MQTT broker'); })
      .finally(() => { ready = undefined; });
    return ready;
  };
  const ruleSets = new GatewayRuleSets(engine, a.rules, ensurePublisher);
  return {
    engine,
    deliveries,
    ruleSets,
    async connect(url, local) {
      brokerUrl = url;
      if (local && !a.mqttUrl) publisher = { publish: local };
      else await ensurePublisher();
    },
    async stop() {
      off();
      engine.stop();
      await publisher?.close?.().catch(() => undefined);
    },
  };
}
