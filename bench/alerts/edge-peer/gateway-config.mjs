#!/usr/bin/env node
// Writes the `outpost gateway` configuration for the edge-pipeline reference job from the peer
// contract's environment (../shared/bench/edge-pipeline/README.md): MQTT in → threshold → MQTT alert
// out with `seq` copied from the point (→ every point committed to SQLite at DB_PATH when PERSIST=1).
//   node gateway-config.mjs <out.json>          write the config (prints nothing)
//   node gateway-config.mjs --wipe-session <id> end the broker session of client id <id> (clean start)
import { writeFileSync } from 'node:fs';

const env = process.env;

function fail(what) {
  process.stderr.write(`edge peer: ${what}\n`);
  process.exit(2);
}

/** `telemetry/+/+` → `telemetry/{device}/+`: the first `+` names the device, the rest are ignored. */
export function topicTemplate(filter) {
  if (filter.includes('#')) fail(`TELEMETRY_TOPIC ${JSON.stringify(filter)}: "#" is not supported; expected levels and + only`);
  const levels = filter.split('/');
  const first = levels.indexOf('+');
  if (first >= 0) levels[first] = '{device}';
  return levels.join('/');
}

export function gatewayConfig() {
  const work = env.PEER_WORK_DIR || fail('PEER_WORK_DIR is not set');
  const persist = env.PERSIST === '1';
  if (persist && !env.DB_PATH) fail('PERSIST=1 needs DB_PATH');
  let thresholds;
  try { thresholds = JSON.parse(env.THRESHOLDS_JSON || '{"temperature":80,"power":5000}'); } catch (e) { fail(`THRESHOLDS_JSON is not JSON: ${e.message}`); }
  const qos = Number(env.ALERT_QOS ?? 1);
  if (![0, 1, 2].includes(qos)) fail(`ALERT_QOS must be 0, 1 or 2, got ${JSON.stringify(env.ALERT_QOS)}`);
  const prefix = env.ALERT_TOPIC_PREFIX ?? 'alerts/';
  const rules = Object.entries(thresholds).map(([metric, threshold]) => {
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) fail(`THRESHOLDS_JSON.${metric}: expected a number, got ${JSON.stringify(threshold)}`);
    return {
      id: `over-${metric}`, kind: 'threshold', metric, op: '>', raise: threshold,
      // One alert per point over the threshold (the job's semantics), no flood limits in the way.
      eachPoint: true, dedupeSeconds: 0, actionsPerMinute: 1e9,
      actions: [{
        type: 'mqtt', qos, topic: `${prefix}{device}`,
        payload: `{"device":"{device}","metric":"{point.metric}","ts":{point.ts},"value":{point.value},"threshold":${threshold},"seq":{attr.seq}}`,
      }],
    };
  });
  const topics = [topicTemplate(env.TELEMETRY_TOPIC || 'telemetry/+/+')];
  const id = `edge-${work.split('/').filter(Boolean).pop()}`.replace(/[^A-Za-z0-9_.:-]/g, '-');
  const mqtt = env.MQTT_LISTEN_PORT
    ? { mode: 'embedded', host: '127.0.0.1', port: Number(env.MQTT_LISTEN_PORT), topics }
    : { mode: 'client', url: env.MQTT_URL || fail('MQTT_URL is not set'), clientId: id, topics };
  return {
    gateway: {
      id, dataDir: work, log: { level: 'warn' },
      http: { port: 0 },
      mqtt,
      // "plain": the gateway still commits every point (it acknowledges nothing before its commit),
      // but with synchronous=normal (WAL, no fsync per commit); durable: the harness's SQLite file,
      // synchronous as for the other durable peers (SQLITE_SYNCHRONOUS, default FULL).
      store: persist
        ? { path: env.DB_PATH, synchronous: (env.SQLITE_SYNCHRONOUS || 'full').toLowerCase() }
        : { path: `${work}/gateway.db`, synchronous: 'normal' },
      ingest: { attributes: ['seq'] },
      // The job has no use for rollups; they are a feature the other peers do not have.
      rollups: { enabled: false },
      alerts: { rules },
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--wipe-session') {
    // The gateway keeps a persistent session (clean: false); a later peer run must not leave the
    // broker queueing telemetry for a client that is gone. A clean connect with the id ends it.
    const { default: mqtt } = await import('mqtt');
    const c = await mqtt.connectAsync(env.MQTT_URL, { clientId: process.argv[3], clean: true, reconnectPeriod: 0, connectTimeout: 5000 });
    await c.endAsync();
  } else {
    const out = process.argv[2] || fail('usage: gateway-config.mjs <out.json> | --wipe-session <client id>');
    writeFileSync(out, JSON.stringify(gatewayConfig(), null, 2));
    process.stdout.write(`${gatewayConfig().gateway.id}\n`);
  }
}
