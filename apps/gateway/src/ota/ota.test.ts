import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, waitFor } from '@outpost/testing';
import { fleetHub } from '../artifacts/fleet-kit.js';
import { startSupervisor } from './supervisor.js';
import { unpackInto, writeOtaState, type SoftwareBundle } from './slots.js';

const DEVICES = 4;
const device = fileURLToPath(new URL('./test-device.ts', import.meta.url));
const bundle = (version: string, main: string): SoftwareBundle => ({ format: 'outpost.bundle/1', version, entry: 'main.mjs', files: { 'main.mjs': Buffer.from(main).toString('base64') } });
const good = (v: string) => bundle(v, `await import(${JSON.stringify(device)});\n`);
const crashing = (v: string) => bundle(v, 'console.error("new version: boom on start"); process.exit(3);\n');

test('OTA under Outpost\'s supervisor: a new version that crashes on start puts every device back on the old one; a good one is committed', async (t) => {
  const tmp = tempDir('outpost-ota-');
  const hub = await fleetHub(`${tmp.dir}/hub`);
  const api = hub.api;
  const sups: Array<ReturnType<typeof startSupervisor>> = [];
  // Supervisors (and their gateways) first, then the hub, then the folder.
  t.after(async () => { await Promise.all(sups.map((s) => s.stop())); await hub.stop(); tmp.cleanup(); });

  // Real processes: one supervisor per device (in this process), each running its gateway as a child.
  for (let i = 0; i < DEVICES; i++) {
    const root = join(tmp.dir, `dev-${i}`, 'ota');
    mkdirSync(root, { recursive: true });
    unpackInto(root, 'a', good('1.0.0'));
    writeOtaState(root, { active: 'a', trial: null, lastFailure: null });
    const reg = await api('POST', '/v1/registration-tokens', {});
    const s = startSupervisor({ root, healthTimeoutMs: 30_000, restartDelayMs: 100, env: { OUTPOST_TEST_HUB_URL: hub.url, OUTPOST_TEST_REG_TOKEN: reg.json.token, OUTPOST_TEST_DATA_DIR: join(tmp.dir, `dev-${i}`, 'data') } });
    sups.push(s);
  }
  const versions = async () => ((await api('GET', '/v1/devices?limit=100')).json.items as Array<{ lastHeartbeat: { versions?: { gateway?: string } } | null }>).map((d) => d.lastHeartbeat?.versions?.gateway ?? null);
  await waitFor(async () => { const v = await versions(); return v.length === DEVICES && v.every((x) => x === '1.0.0'); }, { timeoutMs: 60_000, what: 'all devices online on 1.0.0' });
  const all = { devices: ((await api('GET', '/v1/devices?limit=100')).json.items as Array<{ id: string }>).map((d) => d.id) };

  await t.test('2.0.0 crashes on start: the supervisors switch back, every device runs 1.0.0 and reports why', async () => {
    assert.equal((await api('PUT', '/v1/artifacts/software/outpost/2.0.0', undefined, Buffer.from(JSON.stringify(crashing('2.0.0'))))).status, 201);
    const dep = (await api('POST', '/v1/deployments', { artifact: { kind: 'software', name: 'outpost', version: '2.0.0' }, target: all, gates: { maxFailures: DEVICES }, start: true })).json;
    const done = await waitFor(async () => { const d = (await api('GET', `/v1/deployments/${dep.id}`)).json; return d.state === 'completed' ? d : undefined; }, { timeoutMs: 90_000, intervalMs: 250, what: 'deployment settled' });
    assert.equal(done.progress.failed, DEVICES);
    assert.match(done.failures[0].reason, /2\.0\.0 exited \(code 3\) before reporting healthy; the supervisor switched back to 1\.0\.0/);
    assert.deepEqual(await versions(), Array(DEVICES).fill('1.0.0'));
    for (const s of sups) assert.deepEqual([s.state().active, s.state().lastFailure?.version], ['a', '2.0.0']);
  });

  await t.test('2.1.0 starts and reports healthy: committed in slot b on every device', async () => {
    assert.equal((await api('PUT', '/v1/artifacts/software/outpost/2.1.0', undefined, Buffer.from(JSON.stringify(good('2.1.0'))))).status, 201);
    const dep = (await api('POST', '/v1/deployments', { artifact: { kind: 'software', name: 'outpost', version: '2.1.0' }, target: all, strategy: { kind: 'rolling', batchSize: 2, waitS: 0 }, start: true })).json;
    const done = await waitFor(async () => { const d = (await api('GET', `/v1/deployments/${dep.id}`)).json; return ['completed', 'rolled_back'].includes(d.state) ? d : undefined; }, { timeoutMs: 90_000, intervalMs: 250, what: 'deployment settled' })
      .catch(async (e) => { console.error(JSON.stringify((await api('GET', `/v1/deployments/${dep.id}/devices`)).json.items), JSON.stringify(sups.map((s) => s.state()))); throw e; });
    assert.deepEqual([done.state, done.progress.active], ['completed', DEVICES], JSON.stringify({ reason: done.reason, devices: (await api('GET', `/v1/deployments/${dep.id}/devices`)).json.items }));
    await waitFor(async () => (await versions()).every((v) => v === '2.1.0'), { timeoutMs: 30_000, what: 'all on 2.1.0' });
    for (const s of sups) assert.equal(s.state().active, 'b');
  });
});
