import { readFileSync } from 'node:fs';
import type { IClientOptions, MqttClient } from 'mqtt';
import { OutpostError, type ConnectorStatus, type Ingestor, type Source } from '@outpost/contract';
import { lazyRequire } from '@outpost/contract/lazy';

// The MQTT client library is loaded only by gateways in client mode (the embedded broker needs none of it).
const loadMqtt = lazyRequire<typeof import('mqtt')>(import.meta.url, 'mqtt');
import { AckOrder } from './ack-order.js';
import { PubackBatch } from './puback-batch.js';
import { MqttMessageIngest, type MqttIngestOptions, type MqttIngestStats } from './message-ingest.js';
import { SourceState } from '../source-state.js';

export interface MqttClientOptions extends MqttIngestOptions {
  /** Where decoded messages go; `ingest` resolves after commit. */
  ingestor: Ingestor;
  /** Broker URL: mqtt://host:1883 or mqtts://host:8883. */
  url: string;
  /** Connector name in status and logs; default `mqtt-client`. */
  name?: string;
  /**
   * MQTT client id. Must stay the same across restarts: the gateway uses a persistent session
   * (clean: false), so the broker keeps unacknowledged messages for it while it is away.
   * Default `outpost-<name>`.
   */
  clientId?: string;
  username?: string;
  password?: string;
  /** PEM file of the CA that signed the broker's certificate (mqtts). */
  caFile?: string;
  /**
   * MQTT protocol: 5 (default) or 4 (3.1.1). With 5 the gateway announces `receiveMaximum`, how
   * many un-acknowledged QoS 1 messages the broker may send it; with 3.1.1 the broker's own limit
   * applies (Mosquitto: `max_inflight_messages`, default 20). PUBACK waits for the commit, so that
   * window bounds how many messages one group commit can hold.
   */
  protocolVersion?: 4 | 5;
  /** MQTT 5 Receive Maximum; default 1000. */
  receiveMaximum?: number;
  /** Delay between reconnect attempts; default 1000 ms. */
  reconnectPeriodMs?: number;
  onStatus?: (status: ConnectorStatus) => void;
}

export interface MqttClientSource extends Source {
  stats(): MqttIngestStats & { connects: number };
}

/**
 * Tells mqtt.js to skip its own PUBACK and go on to the next packet: mqtt.js handles incoming
 * packets one at a time and sends PUBACK when `handleMessage`'s callback is called, so waiting
 * there for the commit would allow one commit per message. Instead every message starts its
 * commit at once (they share group commits) and this connector writes each PUBACK itself, in
 * arrival order, after the commit. (mqtt.js 5 publish handler: `if (err) return done(err)` —
 * no PUBACK; `done` moves on to the next packet.)
 */
const ACK_DEFERRED = new Error('PUBACK deferred until commit');

/** Client mode: subscribe to telemetry topics on an external broker (Mosquitto, EMQX, …). */
export function createMqttClientSource(options: MqttClientOptions): MqttClientSource {
  const name = options.name ?? 'mqtt-client';
  const messages = new MqttMessageIngest(options.ingestor, options);
  const state = new SourceState(options.onStatus);
  let client: MqttClient | undefined;
  let order = new AckOrder();
  const pubacks = new PubackBatch();
  let connects = 0;

  function onMessage(c: MqttClient, packet: Parameters<MqttClient['handleMessage']>[0], callback: (err?: Error) => void): void {
    const stream = c.stream;
    if (packet.qos === 0) {
      messages.handle(packet.topic, packet.payload as Buffer, order.enter((err) => (err ? state.degraded(err) : state.healthy())));
      callback();
      return;
    }
    const messageId = packet.messageId;
    messages.handle(packet.topic, packet.payload as Buffer, order.enter((err) => {
      if (err) {
        // Refused (store full / write error): never acknowledge. Dropping the connection makes the
        // broker redeliver every unacknowledged message after mqtt.js reconnects.
        state.degraded(err);
        if (c.stream === stream) stream.destroy();
        return;
      }
      state.healthy();
      // A PUBACK belongs to the connection that delivered the message; after a reconnect the
      // broker redelivers it instead (persistent session), and the ingestor drops the duplicate.
      if (c.stream === stream && !stream.destroyed && messageId !== undefined) {
        pubacks.add(stream, messageId);
      }
    }));
    callback(ACK_DEFERRED);
  }

  return {
    kind: 'mqtt-client',
    name,
    async start() {
      state.set('connecting');
      const opts: IClientOptions = {
        clientId: options.clientId ?? `outpost-${name}`,
        clean: false,
        protocolVersion: options.protocolVersion ?? 5,
        reconnectPeriod: options.reconnectPeriodMs ?? 1000,
        connectTimeout: 10_000,
        // Keep-alive pings on their own timer: by default mqtt.js re-arms it on every packet in
        // and out, a timer cleared and set per message (~2 % of the main thread at 10k messages/s).
        reschedulePings: false,
      };
      // MQTT 5: the session must outlive a disconnect as with 3.1.1's clean: false (expiry 0 would end it).
      if (opts.protocolVersion === 5) opts.properties = { receiveMaximum: options.receiveMaximum ?? 1000, sessionExpiryInterval: 0xffffffff };
      if (options.username !== undefined) opts.username = options.username;
      if (options.password !== undefined) opts.password = options.password;
      if (options.caFile !== undefined) opts.ca = readCa(options.caFile);
      const c = loadMqtt().connect(options.url, opts);
      client = c;
      c.handleMessage = (packet, callback) => onMessage(c, packet, callback);
      c.on('connect', () => {
        connects++;
        order = new AckOrder(); // PUBACK order is per connection
        c.subscribe(messages.filters.map(String), { qos: 1 }, (err) => {
          if (err) state.set('degraded', err);
          else state.set('running');
        });
      });
      c.on('error', (err) => state.set(state.current === 'connecting' ? 'connecting' : 'degraded', err));
      // A drop we caused (store refusal) keeps its reason; only an unexpected drop reports the broker.
      c.on('offline', () => { if (state.current === 'running') state.set('degraded', new Error(`${name}: broker ${options.url} unreachable; reconnecting`)); });
    },
    async stop() {
      const c = client;
      client = undefined;
      if (c) {
        await order.idle(); // let committed messages be acknowledged before leaving
        pubacks.flush();
        await c.endAsync();
      }
      state.set('stopped');
    },
    status() {
      return state.status({ url: options.url, filters: messages.filters, ...this.stats() });
    },
    stats: () => ({ ...messages.stats(), connects }),
  };
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new OutpostError('ERR_CONFIG_FILE', `mqtt client caFile "${file}" cannot be read: ${(e as Error).message}; expected a PEM file`, { file }, { cause: e });
  }
}
