import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@outpost/testing';
import { isOutpostError } from '@outpost/contract';
import { ConfigError, loadConfig, settings, type LoadConfigOptions } from './index.js';

function problems(opts: LoadConfigOptions): ConfigError {
  try {
    loadConfig(opts);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected loadConfig to throw');
}

function withFile(name: string, text: string, fn: (file: string) => void): void {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, name);
    writeFileSync(file, text);
    fn(file);
  } finally {
    cleanup();
  }
}

test('defaults fill every section, and derived defaults follow other settings', () => {
  const c = loadConfig({ overrides: { gateway: { id: 'gw-7', dataDir: '/data/gw' } } });
  assert.equal(c.gateway.http.port, 8081);
  assert.equal(c.gateway.http.host, '127.0.0.1');
  assert.equal(c.gateway.mqtt.mode, 'embedded');
  assert.deepEqual(c.gateway.mqtt.topics, ['site/{site}/scada/{asset}/telemetry', 'outpost/v1/{device}/telemetry']);
  assert.equal(c.gateway.store.synchronous, 'full');
  assert.equal(c.gateway.store.path, '/data/gw/gateway.db');
  assert.equal(c.gateway.mqtt.clientId, 'outpost-gw-7');
  assert.equal(c.gateway.ingest.clockSkew.window, 20);
  assert.equal(c.hub.port, 8080);
  assert.equal(c.dev.freePorts, true);
});

test('precedence: defaults ← file ← env ← --set ← overrides', () => {
  withFile('c.yaml', 'gateway:\n  http: { port: 9001 }\n  id: from-file\n  log: { level: debug }\nhub: { port: 9100 }\n', (file) => {
    const fileOnly = loadConfig({ file });
    assert.equal(fileOnly.gateway.http.port, 9001);
    assert.equal(fileOnly.hub.port, 9100);
    const env = { OUTPOST_GATEWAY_HTTP_PORT: '9002', OUTPOST_GATEWAY_ID: 'from-env' };
    const withEnv = loadConfig({ file, env });
    assert.equal(withEnv.gateway.http.port, 9002);
    assert.equal(withEnv.gateway.id, 'from-env');
    assert.equal(withEnv.gateway.log.level, 'debug', 'file values the env does not set stay');
    const withSet = loadConfig({ file, env, set: ['gateway.http.port=9003'] });
    assert.equal(withSet.gateway.http.port, 9003);
    assert.equal(withSet.gateway.id, 'from-env');
    const withOverride = loadConfig({ file, env, set: ['gateway.http.port=9003'], overrides: { gateway: { http: { port: 9004 } } } });
    assert.equal(withOverride.gateway.http.port, 9004);
  });
});

test('env strings are coerced to the schema type; unrelated OUTPOST_* variables are ignored', () => {
  const c = loadConfig({
    env: {
      OUTPOST_GATEWAY_STORE_SYNCHRONOUS: 'normal',
      OUTPOST_GATEWAY_INGEST_CLOCK_SKEW_CORRECT: '0',
      OUTPOST_GATEWAY_STORE_RETENTION_RAW_DAYS: '2.5',
      OUTPOST_GATEWAY_MQTT_TOPICS: 'a/{device}/t, b/{device}/u',
      OUTPOST_GATEWAY_INGEST_METRICS: '{"temperature":{"min":-40,"max":150}}',
      OUTPOST_GATEWAY_MODBUS_DEVICES: '[{"device":"m1","host":"127.0.0.1","port":5020,"registers":[{"metric":"p","address":0,"function":"holding","type":"int16"}]}]',
      OUTPOST_GATEWAY_HTTP_MAX_BODY_BYTES: '',
      OUTPOST_SOMETHING_ELSE: 'x',
    },
  });
  assert.equal(c.gateway.store.synchronous, 'normal');
  assert.equal(c.gateway.ingest.clockSkew.correct, false);
  assert.equal(c.gateway.store.retentionRawDays, 2.5);
  assert.deepEqual(c.gateway.mqtt.topics, ['a/{device}/t', 'b/{device}/u']);
  assert.deepEqual(c.gateway.ingest.metrics, { temperature: { min: -40, max: 150 } });
  assert.equal(c.gateway.modbus.devices[0]?.registers[0]?.scale, 1, 'defaults fill items given through env');
  assert.equal(c.gateway.modbus.devices[0]?.unitId, 1);
  assert.equal(c.gateway.http.maxBodyBytes, 4 * 1024 * 1024, 'an empty variable counts as unset');
});

test('env variable names are derived from paths and unique', () => {
  const all = settings();
  const port = all.find((s) => s.path === 'gateway.http.port');
  assert.equal(port?.env, 'OUTPOST_GATEWAY_HTTP_PORT');
  assert.equal(all.find((s) => s.path === 'gateway.store.retentionRawDays')?.env, 'OUTPOST_GATEWAY_STORE_RETENTION_RAW_DAYS');
  assert.equal(new Set(all.map((s) => s.env)).size, all.length);
  assert.ok(all.length > 50, `expected the whole schema enumerated, got ${all.length}`);
});

test('wrong type from env names key, value, expectation and variable', () => {
  const e = problems({ env: { OUTPOST_GATEWAY_HTTP_PORT: 'abc' } });
  assert.equal(e.code, 'ERR_CONFIG_INVALID');
  assert.ok(isOutpostError(e, 'ERR_CONFIG_INVALID'));
  assert.equal(e.message, 'gateway.http.port: expected integer 0–65535, got "abc" (from env OUTPOST_GATEWAY_HTTP_PORT)');
});

test('out of range, bad enum and unknown key from a file are all reported at once', () => {
  withFile('bad.yaml', 'gateway:\n  htp: { port: 1 }\n  store: { synchronous: off }\n  mqtt: { port: 70000 }\nhub: { port: -1 }\n', (file) => {
    const e = problems({ file });
    const lines = e.issues.map((i) => i.message);
    assert.equal(e.issues.length, 4, lines.join('\n'));
    assert.ok(lines.includes(`gateway.htp: unknown key (value {"port":1}); did you mean "http"? Known keys here: id, dataDir, store, ingest, mqtt, http, modbus, uplink, rollups, pipelines, alerts, hub, log (from file ${file})`), lines.join('\n'));
    assert.ok(lines.includes(`gateway.store.synchronous: expected one of "full", "normal", got "off" (from file ${file})`), lines.join('\n'));
    assert.ok(lines.includes(`gateway.mqtt.port: expected integer 0–65535, got 70000 (from file ${file})`), lines.join('\n'));
    assert.ok(lines.includes(`hub.port: expected integer 0–65535, got -1 (from file ${file})`), lines.join('\n'));
    assert.match(e.message, /^invalid configuration \(4 problems\):\n {2}- /);
  });
});

test('missing required fields inside list items name the item', () => {
  const e = problems({ overrides: { gateway: { modbus: { devices: [{ host: 'h', registers: [{ metric: 'p' }] }] } } } as never });
  const lines = e.issues.map((i) => i.message);
  assert.ok(lines.includes('gateway.modbus.devices[0].device: missing; expected non-empty string (from override)'), lines.join('\n'));
  assert.ok(lines.includes('gateway.modbus.devices[0].registers[0].address: missing; expected integer 0–65535 (from override)'), lines.join('\n'));
});

test('a non-loopback HTTP host without a token is refused with the reason', () => {
  const e = problems({ env: { OUTPOST_GATEWAY_HTTP_HOST: '0.0.0.0' } });
  assert.equal(e.issues[0]?.path, 'gateway.http.token');
  assert.match(e.message, /^gateway\.http\.token: required because gateway\.http\.host is "0\.0\.0\.0", which is not a loopback address/);
  assert.match(e.message, /\(from env OUTPOST_GATEWAY_HTTP_HOST\)$/);
  const ok = loadConfig({ env: { OUTPOST_GATEWAY_HTTP_HOST: '0.0.0.0', OUTPOST_GATEWAY_HTTP_TOKEN: 'x'.repeat(16) } });
  assert.equal(ok.gateway.http.token, 'x'.repeat(16));
  assert.equal(loadConfig({ overrides: { gateway: { http: { host: 'localhost' } } } }).gateway.http.host, 'localhost');
  const short = problems({ env: { OUTPOST_GATEWAY_HTTP_TOKEN: 'short' } });
  assert.equal(short.message, 'gateway.http.token: expected string of at least 16 characters, got "short" (from env OUTPOST_GATEWAY_HTTP_TOKEN)');
});

test('cross-setting rules: hard cap, min/max, and the Modbus connector\'s register-map checks', () => {
  const reg = { metric: 'flag', address: 1, function: 'coil' as const, type: 'int16' as const };
  const dev = { device: 'd', host: '127.0.0.1', registers: [reg] };
  const e = problems({
    overrides: {
      gateway: {
        store: { maxSizeMb: 100, hardCapMb: 50 },
        ingest: { metrics: { t: { min: 10, max: 0 } } },
        modbus: { devices: [dev, dev], backoff: { minMs: 100, maxMs: 10 } },
      },
    },
  });
  const lines = e.issues.map((i) => i.message);
  const byPath = new Map(e.issues.map((i) => [i.path, i.message]));
  assert.equal(byPath.get('gateway.store.hardCapMb'), 'gateway.store.hardCapMb: expected integer ≥ gateway.store.maxSizeMb (100), got 50 (from override)');
  assert.equal(byPath.get('gateway.ingest.metrics.t.max'), 'gateway.ingest.metrics.t.max: expected number ≥ min (10), got 0 (from override)');
  assert.ok(lines.includes(`gateway.modbus: device 'd' register 'flag' (devices[0].registers[0]): field 'type' must be bool for a coil; got "int16" (from override)`), lines.join('\n'));
  assert.ok(lines.some((l) => /^gateway\.modbus: device 'd' \(devices\[1\]\): field 'device' duplicates/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^gateway\.modbus: backoff: field 'minMs' \(100\) must not exceed 'maxMs' \(10\)/.test(l)), lines.join('\n'));
});

test('--set: unknown settings and malformed assignments are reported with the schema errors', () => {
  const e = problems({ set: ['gateway.http.prot=1', 'gateway.http.port', 'hub.port=x'] });
  const lines = e.issues.map((i) => i.message);
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0]!, /^gateway\.http\.prot: unknown setting/);
  assert.match(lines[1]!, /^gateway\.http\.port: expected path=value/);
  assert.equal(lines[2], 'hub.port: expected integer 0–65535, got "x" (from --set hub.port)');
});

test('file errors: missing file, YAML syntax with line, JSON syntax, non-mapping top level', () => {
  const missing = problems({ file: '/nonexistent/outpost.yaml' });
  assert.equal(missing.code, 'ERR_CONFIG_FILE');
  assert.equal(missing.message, 'cannot read config file /nonexistent/outpost.yaml: file not found');
  withFile('bad.yaml', 'gateway:\n  http: [1, 2\n', (file) => {
    const e = problems({ file });
    assert.equal(e.code, 'ERR_CONFIG_FILE');
    assert.match(e.message, /is not valid YAML at line \d+, column \d+/);
  });
  withFile('bad.json', '{"gateway": ', (file) => {
    const e = problems({ file });
    assert.equal(e.code, 'ERR_CONFIG_FILE');
    assert.match(e.message, /is not valid JSON/);
  });
  withFile('list.yaml', '- a\n- b\n', (file) => {
    assert.match(problems({ file }).message, /expected a mapping at the top level, got a list/);
  });
  withFile('empty.yaml', '', (file) => assert.equal(loadConfig({ file }).gateway.id, 'gw-local'));
  withFile('ok.json', '{"gateway":{"id":"json-gw"}}', (file) => assert.equal(loadConfig({ file }).gateway.id, 'json-gw'));
});

test('loading does not mutate the overrides it is given', () => {
  const overrides = { gateway: { http: { port: 1234 } } };
  loadConfig({ overrides });
  assert.deepEqual(overrides, { gateway: { http: { port: 1234 } } });
});

test('examples/outpost.yaml is a valid configuration', () => {
  const c = loadConfig({ file: new URL('../../../examples/outpost.yaml', import.meta.url).pathname });
  assert.equal(c.gateway.id, 'gw-plant-1');
  assert.equal(c.gateway.modbus.devices[0]?.registers.length, 3);
});

test('gateway.ingest.attributes: a point field, a repeat or a bad name is a config error naming the entry', () => {
  const lines = problems({ overrides: { gateway: { ingest: { attributes: ['seq', 'value', 'seq'] } } } }).issues.map((i) => i.message);
  assert.ok(lines.some((l) => l.startsWith('gateway.ingest.attributes[1]: "value" is a field of the point itself')), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('gateway.ingest.attributes[2]: "seq" is listed twice')), lines.join('\n'));
  assert.equal(problems({ overrides: { gateway: { ingest: { attributes: ['9x'] } } } }).message, 'gateway.ingest.attributes[0]: expected string matching /^[A-Za-z_][A-Za-z0-9_]{0,63}$/, got "9x" (from override)');
  assert.deepEqual(loadConfig({ overrides: { gateway: { ingest: { attributes: ['seq'] } } } }).gateway.ingest.attributes, ['seq']);
});
