import mqtt, { type MqttClient } from 'mqtt';

export interface MqttLoad {
  messages: number;
  pointsPerMessage: number;
  /** QoS 1 messages in flight at most (like the shared harness: 1000). */
  window: number;
  /** Fixed rate in messages/s; omitted: as fast as PUBACKs allow. */
  rate?: number;
  devices?: number;
}

export interface LoadResult { elapsedMs: number; latenciesMs: number[]; acked: number }

/** Payload of message i: one metrics object, or a batch of points; (device, metric, ts) unique across the run. */
export function payloadFor(i: number, ppm: number, devices: number, t0: number): { topic: string; body: string } {
  const device = `dev-${i % devices}`;
  if (ppm === 1) return { topic: `outpost/v1/${device}/telemetry`, body: `{"ts":${t0 + Math.floor(i / devices)},"temperature":${(60 + (i % 400) / 10).toFixed(1)}}` };
  const pts: string[] = [];
  for (let k = 0; k < ppm; k++) pts.push(`{"metric":"m${k}","ts":${t0 + Math.floor(i / devices)},"value":${k + (i % 100) / 100}}`);
  return { topic: `outpost/v1/${device}/telemetry`, body: `[${pts.join(',')}]` };
}

export async function connect(url: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { clientId: `bench-${process.pid}-${Math.floor(performance.now())}`, reconnectPeriod: 0, clean: true });
  (c.stream as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
  return c;
}

/** Publish QoS 1 messages keeping at most `window` un-acknowledged; latency = publish → PUBACK. */
export async function runMqttLoad(client: MqttClient, load: MqttLoad, t0 = Date.now()): Promise<LoadResult> {
  const devices = load.devices ?? 100;
  const latencies: number[] = [];
  let sent = 0;
  let acked = 0;
  let inflight = 0;
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const sendOne = () => {
      const i = sent++;
      inflight++;
      const { topic, body } = payloadFor(i, load.pointsPerMessage, devices, t0);
      const at = performance.now();
      client.publish(topic, body, { qos: 1 }, (err) => {
        if (err) return reject(err);
        latencies.push(performance.now() - at);
        inflight--;
        acked++;
        if (acked === load.messages) resolve();
        else if (load.rate === undefined) pump();
      });
    };
    const pump = () => { while (inflight < load.window && sent < load.messages) sendOne(); };
    if (load.rate === undefined) return pump();
    // Fixed rate: every millisecond, send what the schedule says is due.
    const timer = setInterval(() => {
      const due = Math.min(load.messages, Math.floor(((performance.now() - start) / 1000) * load.rate!));
      while (sent < due) sendOne();
      if (sent >= load.messages) clearInterval(timer);
    }, 1);
  });
  return { elapsedMs: performance.now() - start, latenciesMs: latencies, acked };
}

/**
 * POST batches of `batch` points with `concurrency` requests in flight. Like a forwarder sending
 * in time order, each request covers the next 10 ms of 100 devices (see docs/decisions on the
 * time-first key: heavily out-of-order history is slower).
 */
export async function runHttpLoad(url: string, requests: number, batch: number, concurrency: number, t0 = Date.now()): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < requests) {
      const r = next++;
      const pts: string[] = [];
      for (let k = 0; k < batch; k++) pts.push(`{"device":"dev-${k % 100}","metric":"m${r % 50}","ts":${t0 + r * 10 + Math.floor(k / 100)},"value":${k / 10}}`);
      const at = performance.now();
      const res = await fetch(`${url}/v1/points`, { method: 'POST', body: `[${pts.join(',')}]`, headers: { 'content-type': 'application/json' } });
      const body = await res.json() as { accepted?: number };
      if (res.status !== 200 || body.accepted !== batch) throw new Error(`HTTP batch ${r}: status ${res.status}, ${JSON.stringify(body).slice(0, 200)}`);
      latencies.push(performance.now() - at);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { elapsedMs: performance.now() - start, latenciesMs: latencies, acked: requests };
}
