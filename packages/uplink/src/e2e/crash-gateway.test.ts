import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@outpost/config';
import { startHub } from '@outpost/hub';
import { delay, waitFor } from '@outpost/testing';
import { dirs, gatewayProcOptions, hubConfig } from './fixtures.js';
import { assertExactlyOnce, hubPoints, PointLoad } from './load.js';
import { startProc } from './procs.js';

const KILLS = 20;

test(`gateway process SIGKILLed ${KILLS} times while ingesting and uplinking: no acknowledged point lost, none duplicated`, { timeout: 240_000 }, async (t) => {
  const { dir } = dirs(t);
  const hub = await startHub(loadConfig({ overrides: { hub: hubConfig(`${dir}/hub`) } }).hub);
  t.after(() => hub.stop());
  const gwConfig = gatewayProcOptions(`${dir}/gw/gateway.db`, hub.url);
  const load = new PointLoad('', 4);
  t.after(() => load.stop());
  let batchesAfterEachRun: number[] = [];
  const ackedAfterEachRun: number[] = [];
  let rnd = 12345;
  const random = () => { rnd = (rnd * 1103515245 + 12345) % 2 ** 31; return rnd / 2 ** 31; };
  for (let i = 0; i < KILLS; i++) {
    const gw = await startProc('gateway-proc.ts', gwConfig);
    t.after(() => gw.kill());
    load.url = String(gw.info.http);
    if (i === 0) load.start();
    // Random moment: sometimes right after start (re-sending the open batch), sometimes mid-drain.
    await delay(100 + Math.floor(random() * 800));
    await gw.kill('SIGKILL');
    console.log(`# gateway kill ${i + 1}: ${load.ackedCount} points acknowledged so far`);
    batchesAfterEachRun.push(hubPoints(`${dir}/hub/uplink.db`).total);
    ackedAfterEachRun.push(load.ackedCount);
  }
  await load.stop();
  // A last, clean run drains what is left.
  const gw = await startProc('gateway-proc.ts', gwConfig);
  t.after(() => gw.kill('SIGTERM'));
  await waitFor(async () => {
    const s = (await (await fetch(`${String(gw.info.http)}/v1/uplink/status`)).json()) as { pending: Record<string, { points: number }>; openBatch: number | null };
    return s.openBatch === null && Object.values(s.pending).every((c) => c.points === 0);
  }, { timeoutMs: 20_000, what: 'the outbox to drain' });
  const at = hubPoints(`${dir}/hub/uplink.db`);
  // Ingest ran during most lives of the gateway (a loaded 2-core machine may start some too slowly to take any).
  assert.ok(ackedAfterEachRun.filter((n, i) => n > (ackedAfterEachRun[i - 1] ?? 0)).length >= KILLS / 2, `acknowledged per run: ${ackedAfterEachRun.join(',')}`);
  assert.ok(load.failures > 0, 'no request ever failed: the kills did not hit ingest');
  // Uplink was running during the kills: the hub received points before the final run.
  assert.ok(batchesAfterEachRun.filter((n, i) => i > 0 && n > batchesAfterEachRun[i - 1]!).length >= KILLS / 2, `hub counts per run: ${batchesAfterEachRun.join(',')}`);
  assertExactlyOnce(load, at);
  batchesAfterEachRun = [];
});
