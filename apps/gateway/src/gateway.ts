import type { AddressInfo } from 'node:net';
import { OutpostError, isOutpostError, silentLogger, type ConnectorStatus, type Logger, type Source } from '@outpost/contract';
import type { GatewayConfig } from '@outpost/config';
import { createMqttBrokerSource, createMqttClientSource, type DecodeLimits, type MqttBrokerSource, type TopicTemplate } from '@outpost/connectors';
import { createModbusSource } from '@outpost/connectors/modbus/index';
import { createIngestor, type IngestStats } from '@outpost/ingest';
import { GatewayStore, type StoreUsage } from '@outpost/storage';
import { buildGatewayHttp } from './http/server.js';
import { lazyGatewayMetrics } from './metrics.js';
import { startRetentionLoop, type RetentionStats } from './retention-loop.js';
import { registerUplinkRoutes, uplinkFromConfig, type UplinkIdentity } from './uplink-wiring.js';
import type { Uplink, UplinkStatus } from '@outpost/uplink';
import { startProcessing, type Processing } from './pipelines/processing.js';
import type { PipelineService } from './pipelines/pipeline-service.js';
import { startGatewayAlerts, type GatewayAlerts } from './alerts/wiring.js';
import { registerAlertRoutes } from './alerts/routes.js';
import { pipelineAlertSink } from '@outpost/alerts';
import { serviceLogger } from './log-service.js';

export interface StartGatewayOptions {
  logger?: Logger;
  now?: () => number;
  /** Dev mode: when a configured port is taken, bind a free one instead of failing. */
  fallbackToFreePorts?: boolean;
  /** Uplink as a hub-provisioned device (set by hub-link): device id and device-token provider. */
  uplinkIdentity?: UplinkIdentity;
}

export interface GatewayStatus {
  id: string;
  startedAt: number;
  ingest: IngestStats;
  store: StoreUsage & { path: string; maxSizeBytes: number };
  retention: RetentionStats;
  sources: Record<string, ConnectorStatus>;
  uplink?: UplinkStatus;
}

export interface RunningGateway {
  addresses: { http: string; mqtt?: string; mqttTls?: string };
  status(): GatewayStatus;
  /** Same as status(); kept for callers that read rates. */
  stats(): GatewayStatus;
  /** The store-and-forward uplink (absent when gateway.uplink.enabled is false): `enqueue(class, kind, payload)` for alerts, events, rollups, health. */
  uplink?: Uplink;
  /** The pipeline service (absent when processing is off): the artifact agent activates deployed pipelines in it. */
  pipelines?: PipelineService;
  stop(): Promise<void>;
}

const MB = 1024 * 1024;

/** Start a gateway: local store, ingest core, connectors, retention, HTTP API. */
export async function startGateway(config: GatewayConfig, opts: StartGatewayOptions = {}): Promise<RunningGateway> {
  const root = opts.logger ?? silentLogger;
  // Each part logs under its own service name (shipped to the hub with it: the dashboard filters by it).
  const logger = serviceLogger(root, 'gateway');
  const part = (service: string) => serviceLogger(root, service);
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const store = GatewayStore.open({
    path: config.store.path,
    synchronous: config.store.synchronous,
    walSync: config.store.walSync,
    hardCapMb: config.store.hardCapMb,
    checkpoint: config.store.checkpoint,
    checkpointIntervalMs: config.store.checkpointIntervalMs,
    checkpointPages: config.store.checkpointPages,
    deadLetterMaxRows: config.store.deadLetterMaxRows,
  });
  const ingestor = createIngestor({
    store, logger: part('ingest'), clock: now,
    normalise: { badQuality: config.ingest.badQuality, maxFutureMs: config.ingest.maxFutureMs, maxPastMs: config.ingest.maxPastMs, clockSkew: config.ingest.clockSkew, metrics: config.ingest.metrics, attributes: config.ingest.attributes },
    groupCommit: { maxPoints: config.store.groupCommitMaxPoints, maxDelayMs: config.store.groupCommitMaxDelayMs ?? (config.store.synchronous === 'full' ? 2 : 8) },
    rejectLogIntervalMs: config.ingest.rejectLogIntervalMs,
  });
  const uplink = uplinkFromConfig(config, store, part('uplink'), now, opts.uplinkIdentity);
  const maxSizeBytes = config.store.maxSizeMb * MB;
  const retention = startRetentionLoop(store, { rawMaxAgeMs: config.store.retentionRawDays * 86_400_000, maxSizeBytes }, config.store.retentionIntervalMs, part('store'), now);

  const sourceStatus: Record<string, ConnectorStatus> = {};
  // During start-up a failed bind is either retried on a free port or thrown to the caller, and a
  // poller has not polled yet; only state changes after start-up are news worth a log line.
  let started = false;
  const onStatus = (name: string) => (s: ConnectorStatus) => {
    sourceStatus[name] = s;
    if (started && (s.state === 'degraded' || s.state === 'failed')) part('sources').warn({ source: name, error: s.error }, `source ${name} is ${s.state}`);
  };
  const sources: Source[] = [];
  // In config, a template's device level is `{device}`, or `{asset}` where there is no `{device}`
  // (the SCADA layout `site/{site}/scada/{asset}/telemetry`); other levels become tags.
  const topics: TopicTemplate[] = config.mqtt.topics.map((t) => (!t.includes('{device}') && t.includes('{asset}') ? { topic: t, device: 'asset' } : t));
  const limits: DecodeLimits = { maxBytes: config.mqtt.maxPayloadBytes, maxPoints: config.mqtt.maxPointsPerMessage, attributes: config.ingest.attributes };
  const addresses: RunningGateway['addresses'] = { http: '' };

  const status = (): GatewayStatus => ({
    id: config.id,
    startedAt,
    ingest: ingestor.stats(),
    store: { ...store.usage(), path: config.store.path, maxSizeBytes },
    retention: retention.stats(),
    sources: { ...sourceStatus },
    ...(uplink ? { uplink: uplink.status() } : {}),
  });

  const http = await buildGatewayHttp({
    ingestor, store, now, logger: part('http'),
    limits: { maxBytes: config.http.maxBodyBytes, maxPoints: config.mqtt.maxPointsPerMessage, attributes: config.ingest.attributes },
    maxBodyBytes: config.http.maxBodyBytes,
    token: config.http.token,
    status,
    metrics: lazyGatewayMetrics(status),
  });
  registerUplinkRoutes(http, uplink);

  // Rollups and pipelines (apps/gateway/src/pipelines): fed with committed points; stopped after ingest.
  let processing: Processing | undefined;
  let alerts: GatewayAlerts | undefined; // apps/gateway/src/alerts: rules on committed points
  const stopAll = async () => {
    for (const s of sources.reverse()) await s.stop().catch((e: unknown) => logger.error({ err: e }, `stopping ${s.name} failed`));
    await http.close().catch(() => undefined);
    retention.stop();
    await ingestor.close();
    await processing?.stop().catch((e: unknown) => logger.error({ err: e }, 'stopping processing failed'));
    await alerts?.stop();
    await uplink?.stop();
    await store.shutdown();
  };

  try {
    alerts = startGatewayAlerts({ config, store, ingestor, uplink, logger: part('alerts'), now });
    registerAlertRoutes(http, alerts);
    processing = await startProcessing(config, { store, ingestor, uplink, http, logger: part('pipelines'), now, alertSink: alerts && pipelineAlertSink(alerts.engine), mqttBroker: () => (addresses.mqtt ? { url: addresses.mqtt, username: config.mqtt.username, password: config.mqtt.password } : undefined) });
    if (config.mqtt.mode === 'embedded') {
      const tls = config.mqtt.tls;
      const mk = (port: number, withTls: boolean): MqttBrokerSource => createMqttBrokerSource({
        ingestor, name: withTls ? 'mqtt-broker-tls' : 'mqtt-broker', host: config.mqtt.host, port, topics, limits, now,
        auth: config.mqtt.username ? { username: config.mqtt.username, password: config.mqtt.password ?? '' } : undefined,
        tls: withTls && tls ? { keyFile: tls.keyFile, certFile: tls.certFile } : undefined,
        onStatus: onStatus(withTls ? 'mqtt-broker-tls' : 'mqtt-broker'),
      });
      const broker = await startWithFallback((p) => mk(p, false), config.mqtt.port, opts.fallbackToFreePorts, 'gateway.mqtt.port');
      sources.push(broker);
      addresses.mqtt = `mqtt://${broker.address().host}:${broker.address().port}`;
      if (tls) {
        const tlsBroker = await startWithFallback((p) => mk(p, true), tls.port, opts.fallbackToFreePorts, 'gateway.mqtt.tls.port');
        sources.push(tlsBroker);
        addresses.mqttTls = `mqtts://${tlsBroker.address().host}:${tlsBroker.address().port}`;
      }
    } else if (config.mqtt.mode === 'client') {
      const client = createMqttClientSource({
        ingestor, url: config.mqtt.url, clientId: config.mqtt.clientId ?? `outpost-${config.id}`, topics, limits, now,
        protocolVersion: config.mqtt.protocolVersion as 4 | 5, receiveMaximum: config.mqtt.receiveMaximum,
        username: config.mqtt.username, password: config.mqtt.password, onStatus: onStatus('mqtt-client'),
      });
      await client.start();
      sources.push(client);
      addresses.mqtt = config.mqtt.url;
    }
    if ((config.modbus.devices ?? []).length > 0) {
      const modbus = createModbusSource({ config: config.modbus, ingestor, now, onStatus: onStatus('modbus') });
      await modbus.start();
      sources.push(modbus);
    }
    // Alert actions on the embedded broker publish in-process (no client connection whose
    // messages the broker would pass through ingest and dead-letter as unknown_topic).
    const embedded = sources.find((s): s is MqttBrokerSource => s.kind === 'mqtt-broker' && s.name === 'mqtt-broker');
    await alerts?.connect(addresses.mqtt, embedded && ((topic, payload, o) => embedded.publish(topic, payload, o)));
    addresses.http = await listenWithFallback(http, config.http.host, config.http.port, opts.fallbackToFreePorts);
  } catch (e) {
    await stopAll();
    throw e;
  }
  uplink?.start();
  started = true;
  logger.info({ addresses, store: config.store.path }, `gateway ${config.id} started`);
  return { addresses, status, stats: status, stop: stopAll, ...(uplink ? { uplink } : {}), ...(processing ? { pipelines: processing.pipelines } : {}) };
}

async function startWithFallback<S extends Source>(make: (port: number) => S, port: number, fallback = false, setting = 'port'): Promise<S> {
  const s = make(port);
  try {
    await s.start();
    return s;
  } catch (e) {
    if (!isOutpostError(e, 'ERR_PORT_IN_USE')) throw e;
    // Name the setting, as config errors do, so the fix is obvious.
    if (!fallback || port === 0) throw new OutpostError('ERR_PORT_IN_USE', `${setting}: ${e.message}`, e.details, { cause: e });
    const again = make(0);
    await again.start();
    return again;
  }
}

async function listenWithFallback(app: Awaited<ReturnType<typeof buildGatewayHttp>>, host: string, port: number, fallback = false): Promise<string> {
  try {
    await app.listen({ host, port });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    if (!fallback || port === 0) {
      throw new OutpostError('ERR_PORT_IN_USE', `gateway.http.port: port ${port} on ${host} is already in use; choose another port or stop the process using it`, { host, port });
    }
    await app.listen({ host, port: 0 });
  }
  const addr = app.server.address() as AddressInfo;
  return `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
}
