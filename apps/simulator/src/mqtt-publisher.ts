/** Publishes device samples as metrics objects over MQTT (mqtt.js; reconnects on its own). */
import { connectAsync, type MqttClient } from 'mqtt';
import type { MqttOptions } from './options.js';

export interface Publisher {
  publish(topic: string, payload: string): Promise<void>;
  connected(): boolean;
  close(): Promise<void>;
}

export async function connectPublisher(opts: MqttOptions): Promise<Publisher> {
  let client: MqttClient;
  try {
    client = await connectAsync(opts.url, {
      clientId: opts.clientId ?? `outpost-sim-${process.pid}-${Date.now().toString(36)}`,
      ...(opts.username === undefined ? {} : { username: opts.username }),
      ...(opts.password === undefined ? {} : { password: opts.password }),
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    });
  } catch (e) {
    throw new Error(`simulator: cannot connect to the MQTT broker at ${opts.url}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  client.on('error', () => undefined); // reconnects by itself; failed publishes are counted by the caller
  const qos = opts.qos ?? 1;
  return {
    publish: async (topic, payload) => { await client.publishAsync(topic, payload, { qos }); },
    connected: () => client.connected,
    close: () => client.endAsync(),
  };
}
