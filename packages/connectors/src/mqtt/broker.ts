import { createServer as createTcpServer, type Server, type Socket, type AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { OutpostError, type ConnectorStatus, type Ingestor, type Source } from '@outpost/contract';
import { AckOrder } from './ack-order.js';
import { MqttMessageIngest, type MqttIngestOptions, type MqttIngestStats } from './message-ingest.js';
import { SourceState } from '../source-state.js';

export interface MqttBrokerOptions extends MqttIngestOptions {
  /** Where decoded messages go; `ingest` resolves after commit. */
  ingestor: Ingestor;
  /** Connector name in status and logs; default `mqtt-broker`. */
  name?: string;
  /** Interface to bind; default 127.0.0.1 (set 0.0.0.0 for devices on the plant network, with auth). */
  host?: string;
  /** TCP port; default 1883; 0 binds any free port (read it from `address()` after start). */
  port?: number;
  /** When set, clients must CONNECT with this username and password. */
  auth?: { username: string; password: string };
  /**
   * Largest MQTT packet a client may send; a connection announcing or buffering more is dropped
   * before the packet is held in memory. Default 16 MiB: well above `limits.maxBytes`, so payloads
   * between the two are still dead-lettered as `too_large` (and acknowledged) rather than looping.
   */
  maxPacketBytes?: number;
  /** When set, the broker speaks MQTT over TLS (mqtts) with this key and certificate (PEM files). */
  tls?: { keyFile: string; certFile: string };
  onStatus?: (status: ConnectorStatus) => void;
}

export interface MqttBrokerSource extends Source {
  /** Bound address, after start. */
  address(): { host: string; port: number };
  stats(): MqttIngestStats & { clients: number; clientErrors: number; oversizedPackets: number };
  /**
   * Publish to the broker's subscribers from inside the gateway (alert actions): no socket, and
   * not passed through ingest, so it is neither stored as telemetry nor dead-lettered.
   */
  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1 | 2; retain?: boolean }): Promise<void>;
}

/**
 * The embedded MQTT broker (aedes). Telemetry is ingested in aedes' `authorizePublish` hook, which
 * aedes awaits before it writes the QoS 1 PUBACK (lib/handlers/publish.js: authorizePublish, then
 * enqueuePublish writes PubAck) — so a PUBACK means the points are on disk. A store refusal is
 * passed to the hook's callback as an error: aedes then drops the connection without PUBACK and
 * the client redelivers the message when it reconnects. QoS 0 messages (no PUBACK) are released
 * as soon as ingest has taken them, so they never wait for a commit.
 *
 * aedes hands every packet of one socket read to the handlers concurrently and reads the next
 * chunk when all are done, so a publisher's pipelined messages share one group commit instead of
 * paying one commit each.
 */
export function createMqttBrokerSource(options: MqttBrokerOptions): MqttBrokerSource {
  const name = options.name ?? 'mqtt-broker';
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 1883;
  const messages = new MqttMessageIngest(options.ingestor, options);
  const state = new SourceState(options.onStatus);
  const orders = new WeakMap<Client, AckOrder>();
  let broker: Aedes | undefined;
  let server: Server | undefined;
  let bound = { host, port };
  let clientErrors = 0;
  let oversizedPackets = 0;
  let packetSizeGuard = true;
  const maxPacketBytes = options.maxPacketBytes ?? 16 * 1024 * 1024;

  async function start(): Promise<void> {
    state.set('connecting');
    try {
      const tls = options.tls && { key: readPem(options.tls.keyFile, 'tls.keyFile'), cert: readPem(options.tls.certFile, 'tls.certFile') };
      broker = await Aedes.createBroker({
        // aedes merges options with Object.assign: an `authenticate: undefined` would erase its default
        ...(options.auth ? { authenticate: checkCredentials(options.auth) } : {}),
        authorizePublish(client, packet, callback) {
          if (packet.topic.startsWith('$SYS')) return callback(new Error('$SYS topics are reserved for the broker'));
          const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
          if (packet.qos === 0) {
            // No PUBACK to hold back: holding the callback would only stop aedes reading this
            // connection until the commit's disk sync, delaying the next messages (and alerts on
            // them) by a sync each. A store refusal is counted and shown in status; QoS 0 has no
            // redelivery to ask for.
            messages.handle(packet.topic, payload, (err) => { if (err) state.degraded(err); else state.healthy(); });
            return callback(null);
          }
          const ready = (err: Error | null) => {
            if (err) { state.degraded(err); callback(err); } else { state.healthy(); callback(null); }
          };
          let order = client ? orders.get(client) : undefined;
          if (client && !order) orders.set(client, (order = new AckOrder()));
          messages.handle(packet.topic, payload, order ? order.enter(ready) : ready);
        },
      });
      broker.on('clientError', () => { clientErrors++; });
      broker.on('connectionError', () => { clientErrors++; });
      const handle = broker.handle;
      const onConnection = (socket: Socket) => {
        socket.setNoDelay(true); // PUBACKs are tiny: Nagle would hold them back (bench: p99 2.1 → 0.8 ms)
        packetSizeGuard = limitPacketSize(handle(socket), socket, maxPacketBytes, () => { oversizedPackets++; });
      };
      server = tls ? createTlsServer(tls, onConnection) : createTcpServer(onConnection);
      await listen(server, host, port, name);
      const addr = server.address() as AddressInfo;
      bound = { host: addr.address, port: addr.port };
      state.set('running', undefined);
    } catch (e) {
      await closeAll();
      state.set('failed', e);
      throw e;
    }
  }

  async function closeAll(): Promise<void> {
    const s = server;
    const b = broker;
    server = undefined;
    broker = undefined;
    if (b) await new Promise<void>((r) => b.close(() => r()));
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  return {
    kind: 'mqtt-broker',
    name,
    start,
    async stop() {
      await closeAll();
      state.set('stopped');
    },
    status() {
      return state.status({ host: bound.host, port: bound.port, tls: Boolean(options.tls), auth: Boolean(options.auth), packetSizeGuard, ...this.stats() });
    },
    address: () => bound,
    publish: (topic, payload, opts) => new Promise<void>((resolve, reject) => {
      if (!broker) return reject(new Error(`${name} is not running`));
      broker.publish({ cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos: opts.qos, retain: opts.retain ?? false, dup: false }, (err) => (err ? reject(err) : resolve()));
    }),
    stats: () => ({ ...messages.stats(), clients: broker?.connectedClients ?? 0, clientErrors, oversizedPackets }),
  };
}

/**
 * aedes has no packet-size limit: its mqtt-packet parser buffers a packet whole, whatever length
 * the header announces. `parse()` returns the bytes it holds for the unfinished packet, so a
 * wrapper can drop the connection as soon as that passes the limit. `_parser` is aedes-internal
 * (lib/client.js): returns false when it is missing (status shows `packetSizeGuard: false`, and
 * the oversized-packet test fails), rather than crashing the broker on an aedes upgrade.
 */
function limitPacketSize(client: Client, socket: Socket, maxBytes: number, onDrop: () => void): boolean {
  const parser = (client as unknown as { _parser?: { parse(buf: Buffer): number } })._parser;
  if (!parser || typeof parser.parse !== 'function') return false;
  const parse = parser.parse.bind(parser);
  parser.parse = (buf: Buffer) => {
    const held = parse(buf);
    if (held > maxBytes && !socket.destroyed) {
      onDrop();
      socket.destroy();
    }
    return held;
  };
  return true;
}

function listen(server: Server, host: string, port: number, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        reject(new OutpostError('ERR_PORT_IN_USE', `${name}: port ${port} on ${host} is already in use; choose another port, or 0 for any free port`, { port, host }, { cause: e }));
      } else {
        reject(e);
      }
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new OutpostError('ERR_CONFIG_FILE', `mqtt broker ${key} "${file}" cannot be read: ${(e as Error).message}; expected a PEM file`, { key, file }, { cause: e });
  }
}

/** Constant-time comparison of digests, so neither length nor content leaks through timing. */
function checkCredentials(auth: { username: string; password: string }) {
  const digest = (v: string | Buffer | undefined) => createHash('sha256').update(v ?? '').digest();
  const user = digest(auth.username);
  const pass = digest(auth.password);
  return (_client: Client, username: Readonly<string> | undefined, password: Readonly<Buffer> | undefined, callback: (error: AuthenticateError | null, success: boolean | null) => void) => {
    const ok = timingSafeEqual(digest(username), user) && timingSafeEqual(digest(password as Buffer | undefined), pass);
    if (ok) return callback(null, true);
    const err = Object.assign(new Error('bad username or password'), { returnCode: 4 }) as AuthenticateError;
    callback(err, false);
  };
}
