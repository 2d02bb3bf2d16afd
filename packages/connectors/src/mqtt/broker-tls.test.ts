import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, connectAsync, type IClientOptions } from 'mqtt';
import { isOutpostError } from '@outpost/contract';
import { tempDir } from '@outpost/testing';
import { createMqttBrokerSource } from './broker.js';
import { openTestGateway } from './test-gateway.js';

/** A throw-away self-signed certificate for 127.0.0.1 (node:crypto cannot issue X.509, the openssl CLI can). */
function selfSigned(dir: string): { keyFile: string; certFile: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
  return { keyFile, certFile };
}

/** How a connection attempt ends: 'connected', 'closed' (without CONNACK), or the error message. mqtt.js' connectAsync never settles on a bare close. */
function connectOutcome(url: string, opts: IClientOptions): Promise<string> {
  return new Promise((resolve) => {
    const c = connect(url, { ...opts, reconnectPeriod: 0 });
    const done = (outcome: string) => { c.end(true); resolve(outcome); };
    c.once('connect', () => done('connected'));
    c.once('error', (e) => done(e.message));
    c.once('close', () => done('closed'));
  });
}

test('TLS: the broker speaks mqtts with the configured certificate; plain MQTT and untrusted clients get nowhere', async (t) => {
  const tmp = tempDir('outpost-tls-');
  t.after(tmp.cleanup);
  const tls = selfSigned(tmp.dir);
  const { ingestor, store } = openTestGateway(t);
  const broker = createMqttBrokerSource({ ingestor, port: 0, tls, auth: { username: 'dev', password: 'pw' } });
  await broker.start();
  t.after(() => broker.stop());
  const port = broker.address().port;
  assert.equal(broker.status().info?.tls, true);

  assert.equal(await connectOutcome(`mqtt://127.0.0.1:${port}`, { username: 'dev', password: 'pw' }), 'closed');
  assert.match(await connectOutcome(`mqtts://127.0.0.1:${port}`, { username: 'dev', password: 'pw' }), /self-signed certificate/);

  const c = await connectAsync(`mqtts://127.0.0.1:${port}`, { reconnectPeriod: 0, ca: readFileSync(tls.certFile), username: 'dev', password: 'pw' });
  t.after(() => c.endAsync(true));
  await c.publishAsync('outpost/v1/tls-1/telemetry', '{"metric":"a","value":3}', { qos: 1 });
  assert.deepEqual(store.queryPoints({ device: 'tls-1' }).map((p) => p.value), [3]);
});

test('TLS: a missing key file is a config error naming the setting and the file', async (t) => {
  const { ingestor } = openTestGateway(t);
  const broker = createMqttBrokerSource({ ingestor, port: 0, tls: { keyFile: '/nonexistent/key.pem', certFile: '/nonexistent/cert.pem' } });
  await assert.rejects(broker.start(), (e: unknown) => isOutpostError(e, 'ERR_CONFIG_FILE') && /tls.keyFile "\/nonexistent\/key.pem" cannot be read/.test(e.message));
  assert.equal(broker.status().state, 'failed');
});
