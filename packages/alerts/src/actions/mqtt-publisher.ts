import type { MqttClient } from 'mqtt';
import { lazyRequire } from '@outpost/contract/lazy';
import type { MqttPublish } from './executors.js';

const loadMqtt = lazyRequire<typeof import('mqtt')>(import.meta.url, 'mqtt');

/**
 * An MQTT client for alert actions (relay and actuator topics). It reconnects by itself; while
 * disconnected, QoS 1/2 publishes wait in mqtt.js's queue and QoS 0 fails so the action queue
 * retries it.
 */
export async function connectMqttPublisher(url: string, opts: { clientId?: string; username?: string; password?: string } = {}): Promise<{ publish: MqttPublish; close(): Promise<void> }> {
  const client: MqttClient = await loadMqtt().connectAsync(url, { clientId: opts.clientId, username: opts.username, password: opts.password, reconnectPeriod: 1000, connectTimeout: 5000,
    // Keep-alive pings on their own timer: by default mqtt.js re-arms it on every packet (a timer
    // cleared and set per alert and per PUBACK, ~2 % of a busy gateway's main thread).
    reschedulePings: false });
  // Actions are small writes: without TCP_NODELAY each waits for the ACK of the previous one
  // (Nagle), up to a telemetry inter-arrival time (../shared/bench lessons: p99 2.1 → 0.8 ms).
  const noDelay = () => (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
  noDelay();
  client.on('connect', noDelay);
  return {
    publish: async (topic, payload, o) => {
      if (o.qos === 0 && !client.connected) throw new Error(`MQTT client is not connected to ${url}`);
      await client.publishAsync(topic, payload, { qos: o.qos, retain: o.retain });
    },
    close: () => client.endAsync(),
  };
}
