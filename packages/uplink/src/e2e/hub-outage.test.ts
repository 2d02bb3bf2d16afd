import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { loadConfig } from '@outpost/config';
import { startGateway } from '@outpost/gateway';
import { delay, freePort, waitFor } from '@outpost/testing';
import { dirs, gatewayConfig, hubConfig } from './fixtures.js';
import { assertExactlyOnce, hubPoints, PointLoad } from './load.js';
import { startProc, type Proc } from './procs.js';

async function setup(t: { after(fn: () => unknown): void }, entry: 'hub-proc.ts' | 'hub-ingest-proc.ts', pauseMs = 5) {
  const { dir } = dirs(t);
  const port = await freePort();
  const hubCfg = hubConfig(`${dir}/hub`, port);
  const procs: Proc[] = [];
  const startHubProc = async () => { const p = await startProc(entry, hubCfg); procs.push(p); return p; };
  t.after(async () => { for (const p of procs) await p.kill(); });
  const hubUrl = `http://127.0.0.1:${port}`;
  const gw = await startGateway(loadConfig({ overrides: { gateway: gatewayConfig(`${dir}/gw/gateway.db`, hubUrl) } }).gateway);
  t.after(() => gw.stop());
  const load = new PointLoad(gw.addresses.http, 4, 20, pauseMs);
  t.after(() => load.stop());
  const drained = () => waitFor(() => {
    const s = gw.uplink!.status();
    return s.openBatch === null && Object.values(s.pending).every((c) => c.points === 0);
  }, { timeoutMs: 30_000, what: 'the outbox to drain' });
  return { dir, gw, load, startHubProc, drained, hubDb: `${dir}/hub/uplink.db` };
}

test('hub stopped under steady load and restarted: every point at the hub exactly once, in order, draining within 1 s of the first good probe', { timeout: 180_000 }, async (t) => {
  const { gw, load, startHubProc, drained, hubDb } = await setup(t, 'hub-proc.ts');
  let hub = await startHubProc();
  load.start();
  await waitFor(() => hubPoints(hubDb).total > 200, { timeoutMs: 20_000, what: 'points at the hub before the outage' });
  await hub.kill('SIGTERM');
  const downAt = Date.now();
  await waitFor(() => gw.uplink!.status().link.state === 'down', { timeoutMs: 10_000, what: 'the link to be seen down' });
  await delay(1500);
  const pendingDuringOutage = gw.uplink!.status().pending.normal.points;
  assert.ok(pendingDuringOutage > 0, 'points buffered during the outage');
  hub = await startHubProc();
  const upAt = Date.now();
  await waitFor(() => gw.uplink!.status().link.state === 'up', { timeoutMs: 10_000, what: 'the link to come back' });
  await load.stop();
  await drained();
  const s = gw.uplink!.status();
  const db = new Database(hubDb, { readonly: true });
  const firstAfter = db.prepare('SELECT MIN(received_at) FROM uplink_batches WHERE received_at >= ?').pluck().get(upAt) as number;
  db.close();
  const linkUpAt = s.link.linkUpAt!;
  console.log(`# outage ${upAt - downAt} ms, ${pendingDuringOutage} points buffered; probe ok ${linkUpAt - upAt} ms after the hub was up, first batch stored ${firstAfter - linkUpAt} ms after that`);
  assert.ok(firstAfter - linkUpAt <= 1000, `draining started ${firstAfter - linkUpAt} ms after the first successful probe`);
  assert.ok(linkUpAt - upAt <= 300 + 1500 + 500, `the probe found the hub ${linkUpAt - upAt} ms after it was up (backoff max 300 ms)`);
  assert.equal(s.droppedPoints, 0);
  assertExactlyOnce(load, hubPoints(hubDb));
  // Nothing unacknowledged either: the gateway was never killed, so every point posted was acked.
  assert.equal(load.unknown.size, 0);
});

const HUB_KILLS = 20;

test(`hub process SIGKILLed ${HUB_KILLS} times while the gateway uplinks: no acknowledged point lost, none duplicated`, { timeout: 240_000 }, async (t) => {
  const { gw, load, startHubProc, drained, hubDb } = await setup(t, 'hub-ingest-proc.ts', 30);
  load.start();
  let rnd = 777;
  const random = () => { rnd = (rnd * 1103515245 + 12345) % 2 ** 31; return rnd / 2 ** 31; };
  const storedBefore: number[] = [];
  for (let i = 0; i < HUB_KILLS; i++) {
    const hub = await startHubProc();
    await delay(200 + Math.floor(random() * 800));
    await hub.kill('SIGKILL');
    storedBefore.push(hubPoints(hubDb).total);
    console.log(`# hub kill ${i + 1}: ${hubPoints(hubDb).total} points at the hub, ${load.ackedCount} acknowledged`);
  }
  await startHubProc();
  await load.stop();
  await drained();
  const s = gw.uplink!.status();
  assert.ok(s.delivered.batches > HUB_KILLS, `only ${s.delivered.batches} batches delivered`);
  assert.ok(storedBefore.filter((n, i) => i > 0 && n > storedBefore[i - 1]!).length >= HUB_KILLS / 2, `hub counts per run: ${storedBefore.join(',')}`);
  assert.equal(s.droppedPoints, 0);
  assertExactlyOnce(load, hubPoints(hubDb));
  assert.equal(hubPoints(hubDb).total, load.ackedCount, 'the hub holds exactly the acknowledged points');
});
