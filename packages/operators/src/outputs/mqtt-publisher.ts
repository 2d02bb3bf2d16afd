import { randomBytes } from 'node:crypto';
import type { Logger } from '@outpost/contract';
import { lazyRequire } from '@outpost/contract/lazy';
import type { IClientOptions, MqttClient } from 'mqtt';

/** Where and how `mqtt` output nodes publish (hub.pipelines.mqtt on the hub; the gateway's broker on a gateway). */
export interface MqttPublisherOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** A random suffix is added so two processes never take over each other's session. */
  clientId: string;
  maxQueued: number;
  maxInFlight: number;
  reconnectMs: number;
}

/** Per output node: messages the broker acknowledged (QoS 0: written) and messages dropped (queue full, or lost at QoS 0). */
export interface MqttCounters { mqttPublished: number; mqttDropped: number }
export interface MqttMessage { topic: string; payload: string; qos: 0 | 1 | 2; retain: boolean }
interface Entry { m: MqttMessage; c: MqttCounters }

// mqtt.js costs memory at start-up; hosts whose pipelines publish nothing never load it.
const loadMqtt = lazyRequire<typeof import('mqtt')>(import.meta.url, 'mqtt');

/**
 * One connection for the `mqtt` output nodes of every pipeline of a host (hub or gateway). Connects on
 * the first message and reconnects forever. At most `maxInFlight` publishes await their PUBACK at
 * once; mqtt.js resends those after a reconnect, so QoS 1 is at least once for every message that
 * left the queue. While the broker is up, `send` resolves once the waiting queue is back within
 * `maxQueued` (a slow broker slows the pipeline, whose own bounded feed then drops whole batches,
 * counted); while it is down, `send` returns at once and the queue keeps the newest `maxQueued`
 * messages (older ones are dropped, counted on the node that sent them).
 */
export class MqttPublisher {
  private client: MqttClient | undefined;
  private queue: Entry[] = [];
  private head = 0;
  private inFlight = 0;
  private closed = false;
  /** Set by a failed attempt or a lost connection, cleared on connect (optimistic while the first attempt runs). */
  private down = false;
  private errorLogged = false;
  private waiters: Array<() => void> = [];

  constructor(private readonly cfg: MqttPublisherOptions, private readonly logger: Logger) {}

  send(messages: readonly MqttMessage[], counters: MqttCounters): Promise<void> | undefined {
    if (this.closed) { counters.mqttDropped += messages.length; return undefined; }
    for (const m of messages) this.queue.push({ m, c: counters });
    this.connect();
    this.pump();
    return this.settle();
  }

  status(): { connected: boolean; queued: number; inFlight: number } {
    return { connected: this.client?.connected === true && !this.down, queued: this.queue.length - this.head, inFlight: this.inFlight };
  }

  /** Give in-flight publishes a moment to be acknowledged, then disconnect; what is still queued is dropped and counted. */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    for (let i = this.head; i < this.queue.length; i++) this.queue[i]!.c.mqttDropped += 1;
    this.queue = [];
    this.head = 0;
    this.release();
    const c = this.client;
    if (!c) return;
    const deadline = Date.now() + graceMs;
    while (this.inFlight > 0 && c.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await c.endAsync(true).catch(() => undefined);
  }

  private connect(): void {
    if (this.client) return;
    const opts: IClientOptions = {
      clientId: `${this.cfg.clientId}-${randomBytes(4).toString('hex')}`, clean: true, reconnectPeriod: this.cfg.reconnectMs, connectTimeout: 10_000,
      ...(this.cfg.username !== undefined ? { username: this.cfg.username, password: this.cfg.password ?? '' } : {}),
    };
    const c = loadMqtt().connect(this.cfg.url, opts);
    this.client = c;
    c.on('connect', () => {
      if (this.errorLogged) this.logger.info({ broker: this.cfg.url }, 'pipelines: MQTT broker reachable again');
      this.errorLogged = false;
      this.down = false;
      this.pump();
    });
    // Log the first failure of an outage only; reconnection attempts go on every reconnectMs.
    const lost = (err?: Error) => {
      if (this.closed) return;
      if (!this.errorLogged) this.logger.warn({ broker: this.cfg.url, ...(err ? { err } : {}) }, `pipelines: MQTT broker ${this.cfg.url} unreachable; messages wait in memory (at most ${this.cfg.maxQueued})`);
      this.errorLogged = true;
      this.down = true;
      void this.settle();
    };
    c.on('error', (e: Error) => lost(e));
    c.on('close', () => lost());
  }

  /** Apply the bound: while down, drop the oldest past `maxQueued`; senders wait only while up and over it. */
  private settle(): Promise<void> | undefined {
    const over = this.queue.length - this.head - this.cfg.maxQueued;
    if (this.down && over > 0) {
      for (let i = 0; i < over; i++) this.queue[this.head + i]!.c.mqttDropped += 1;
      this.queue.fill(undefined as unknown as Entry, this.head, this.head + over);
      this.head += over;
      this.compact();
    }
    if (this.down || over <= 0) { this.release(); return undefined; }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }

  private pump(): void {
    const c = this.client;
    if (!c?.connected) return;
    while (this.head < this.queue.length && this.inFlight < this.cfg.maxInFlight) {
      const { m, c: counters } = this.queue[this.head]!;
      this.queue[this.head] = undefined as unknown as Entry;
      this.head += 1;
      this.inFlight += 1;
      c.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain }, (err) => {
        this.inFlight -= 1;
        if (err) counters.mqttDropped += 1;
        else counters.mqttPublished += 1;
        this.pump();
      });
    }
    this.compact();
    if (this.waiters.length > 0 && this.queue.length - this.head <= this.cfg.maxQueued) this.release();
  }

  /** Drop the consumed head once it is large, so the array stays near `maxQueued` entries. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
