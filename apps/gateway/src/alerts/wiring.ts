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
  /** Connect the MQTT client of `mqtt` actions once the gateway's broker listens. */
  connect(brokerUrl: string | undefined): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Alert rules on the gateway: evaluated synchronously on every committed batch (so an alert is
 * raised within the commit's own tick), lifecycle changes enqueued to the uplink as one critical
 * `alerts` item per batch. Undefined when `gateway.alerts.enabled` is false.
 */
export function startGatewayAlerts(o: { config: GatewayConfig; store: GatewayStore; ingestor: Pick<GatewayIngestor, 'onCommitted'>; uplink?: Uplink; logger: Logger; now: () => number }): GatewayAlerts | undefined {
  const a = o.config.alerts;
  if (!a.enabled) return undefined;
  let publisher: Awaited<ReturnType<typeof connectMqttPublisher>> | undefined;
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
    db: o.store.db, deliveries, transaction, rules: a.rules, now: o.now, logger: o.logger, mqttPublish: publish,
    allowedCommands: a.allowedCommands,
    retry: { baseMs: a.retryBaseMs, maxMs: a.retryMaxMs, maxAttempts: a.maxAttempts },
    onChanges: uplink ? (changes) => { uplink.enqueue('critical', 'alerts', { gateway: o.config.id, changes: changes.map(changePayload) }); } : undefined,
  });
  const off = o.ingestor.onCommitted((points) => {
    try {
      engine.process(points);
    } catch (e) {
      o.logger.error({ err: e }, 'alert evaluation failed on a committed batch');
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
    async connect(url) {
      brokerUrl = url;
      await ensurePublisher();
    },
    async stop() {
      off();
      engine.stop();
      await publisher?.close().catch(() => undefined);
    },
  };
}
