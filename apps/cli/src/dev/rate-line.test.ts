import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { formatRateLine, sampleOf, startRateDisplay } from './rate-line.js';
import { portOf, startOnFreePort } from './fallback.js';
import { waitFor } from '@outpost/testing';

const stats = (accepted: number, rejectedTotal: number, usedBytes = 3 * 1024 * 1024) => ({ ingest: { accepted, rejectedTotal }, store: { usedBytes } });

test('the rate line differentiates cumulative counters over the elapsed time', () => {
  const prev = sampleOf(stats(1000, 10), 10_000);
  const cur = sampleOf(stats(1500, 12), 12_000);
  assert.equal(formatRateLine(prev, cur, stats(1500, 12)), 'accepted 250 pts/s · rejected 1.0/s · stored 1500 pts since start · db 3.0 MB');
});

test('on a terminal the line is redrawn in place; otherwise each refresh is a new line', async () => {
  for (const isTTY of [true, false]) {
    let n = 0;
    const written: string[] = [];
    const d = startRateDisplay({ stats: () => stats((n += 10), 0, 2048), intervalMs: 10, isTTY, write: (s) => written.push(s) });
    await waitFor(() => written.length >= 2, { what: 'two refreshes' });
    d.stop();
    if (isTTY) {
      assert.match(written[0]!, /^\r\x1b\[2Kaccepted [\d.]+ pts\/s · rejected 0\.0\/s · stored \d+ pts since start · db 2 kB$/);
      assert.equal(written.at(-1), '\n', 'stop ends the line');
    } else {
      assert.match(written[0]!, /^\d{4}-\d\d-\d\dT[\d:.]+Z accepted [\d.]+ pts\/s .*\n$/);
    }
  }
});

test('startOnFreePort: the wanted port when free, a free one when taken, errors otherwise', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => blocker.close());
  const taken = (blocker.address() as { port: number }).port;
  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(); resolve(p); });
  });
  const moved = await startOnFreePort(taken, true, listen);
  assert.equal(moved.takenPort, taken);
  assert.notEqual(moved.value, taken);
  await assert.rejects(startOnFreePort(taken, false, listen), /EADDRINUSE/);
  await assert.rejects(startOnFreePort(1, true, () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(portOf('mqtt://127.0.0.1:1883'), 1883);
  assert.equal(portOf('http://[::1]:8080/'), 8080);
  assert.equal(portOf(undefined), undefined);
});
