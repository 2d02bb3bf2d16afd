import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, waitFor } from '@outpost/testing';

const BIN = fileURLToPath(new URL('../../bin/outpost.mjs', import.meta.url));

async function blockPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}

async function countPoints(base: string, device: string): Promise<number> {
  const res = await fetch(`${base}/v1/points?device=${device}&limit=100`);
  return res.ok ? ((await res.json()) as { count: number }).count : 0;
}

test('outpost dev as a child process: starts on free ports, prints where things run, data flows, SIGINT exits 0', { timeout: 60_000 }, async (t) => {
  const tmp = tempDir();
  const http = await blockPort();
  const mqtt = await blockPort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OUTPOST_')));
  const child = spawn(process.execPath, [BIN, 'dev',
    '--set', 'hub.port=0', '--set', `gateway.http.port=${http.port}`, '--set', `gateway.mqtt.port=${mqtt.port}`,
    '--set', 'simulator.modbus.port=0', '--set', 'simulator.intervalMs=200', '--set', 'dev.statusIntervalMs=200',
    '--set', 'gateway.log.level=warn', '--set', 'hub.log.level=warn'], { cwd: tmp.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    http.server.close();
    mqtt.server.close();
    tmp.cleanup();
  });

  const gatewayUrl = await waitFor(() => /^ {2}gateway +(http:\/\/127\.0\.0\.1:\d+)/m.exec(out)?.[1], { timeoutMs: 30_000, what: 'the banner' })
    .catch((e: Error) => { throw new Error(`${e.message}\nstdout: ${out}\nstderr: ${err}`); });
  assert.match(out, /^ {2}hub +http:\/\/127\.0\.0\.1:\d+$/m);
  assert.match(out, /^ {2}mqtt +mqtt:\/\/127\.0\.0\.1:\d+$/m);
  assert.match(out, /^ {2}modbus +modbus-tcp:\/\/127\.0\.0\.1:\d+ +\(simulator; polled as mb-<device>\)$/m);
  assert.match(out, /^ {2}simulator +inverter-1, meter-1, pump-1, tracker-1 → mqtt:\/\/127\.0\.0\.1:\d+, every 200 ms$/m);
  assert.match(out, /^ {2}data +gateway \.outpost\/gateway\/gateway\.db · hub \.\/\.outpost\/hub$/m);
  assert.ok(out.includes(`note       gateway http: port ${http.port} was taken, using `), out);
  assert.ok(out.includes(`note       gateway mqtt: port ${mqtt.port} was taken, using `), out);
  assert.ok(!gatewayUrl.endsWith(`:${http.port}`));

  // Points arrive both ways: published over MQTT and polled over Modbus.
  await waitFor(async () => (await countPoints(gatewayUrl, 'meter-1')) > 0, { timeoutMs: 20_000, what: 'MQTT points from meter-1' });
  await waitFor(async () => (await countPoints(gatewayUrl, 'mb-meter-1')) > 0, { timeoutMs: 20_000, what: 'Modbus points from mb-meter-1' });
  assert.ok(existsSync(join(tmp.dir, '.outpost/gateway/gateway.db')), 'the store lives in the working directory');
  // Not a terminal, so the rate line is printed as plain lines.
  const stored = await waitFor(() => {
    const all = [...out.matchAll(/accepted ([\d.]+) pts\/s · rejected ([\d.]+)\/s · stored (\d+) pts since start · db [\d.]+ [kM]B$/gm)];
    const last = all.at(-1);
    return last && Number(last[3]) > 0 && Number(last[1]) > 0 ? Number(last[3]) : undefined;
  }, { timeoutMs: 10_000, what: 'a rate line with accepted points' });
  assert.ok(stored > 0);

  child.kill('SIGINT');
  assert.equal(await exited, 0, `stderr: ${err}`);
  assert.match(out, /SIGINT: stopping…\nstopped\n$/);
});
