import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { makeArtifact } from '@outpost/ml';
import { HubStore } from '@outpost/storage/hub/index';
import { tempDir } from '@outpost/testing';
import { PointFeed } from '../../core/point-feed.js';
import { ensureMlTables, moduleDb } from '../training/db.js';
import { ModelRepo } from '../training/models.js';
import { LiveScorer, setLiveScoring, type LiveLimits } from './live.js';
import { AnomalyRepo } from './repo.js';

const ORG = 'org-1';
const batch = (device: string, n: number, spikeAt: number, t0 = 0): Point[] =>
  Array.from({ length: n }, (_, i) => ({ device, metric: 'flow', ts: t0 + i * 1000, value: 50 + (i % 3) * 0.1 + (i === spikeAt ? 30 : 0) }));

async function world(t: import('node:test').TestContext, limits: Partial<LiveLimits>) {
  const tmp = tempDir('outpost-live-');
  t.after(tmp.cleanup);
  const store = await HubStore.open({ kind: 'sqlite', path: `${tmp.dir}/hub.db` });
  t.after(() => store.close());
  const db = moduleDb(store);
  await ensureMlTables(db);
  await new ModelRepo(db).add(ORG, 'z', makeArtifact({ kind: 'zscore', params: { window: 20 } }), { actor: 'test', jobId: null }, 0);
  await setLiveScoring(db, ORG, { name: 'z', version: 1 }, ['d1', 'd2', 'd3'].map((id) => ({ kind: 'device' as const, id })), ['flow'], 0);
  const warnings: string[] = [];
  const log = { warn: (_o: object, m: string) => void warnings.push(m), error: (o: object, m: string) => assert.fail(`${m}: ${JSON.stringify(o)}`) };
  const clock = { now: 0 };
  const feed = new PointFeed(log);
  const scorer = new LiveScorer(db, store, () => clock.now, log, limits);
  t.after(scorer.attach(feed));
  const anomalies = (device: string) => new AnomalyRepo(db).query(ORG, { device, from: 0, to: 1e12, minScore: 0.5, limit: 100 });
  const scored = async (device: string) => (await anomalies(device)).map((s) => s.ts);
  return { db, feed, scorer, warnings, clock, scored, anomalies };
}

test('live scoring stops taking new streams at its stream limit (logged once); the streams it has keep scoring', async (t) => {
  const w = await world(t, { maxStreams: 2 });
  for (const d of ['d1', 'd2', 'd3']) w.feed.emit(ORG, batch(d, 100, 80));
  w.feed.emit(ORG, batch('d3', 100, 50, 200_000));
  await w.scorer.idle();
  assert.deepEqual([await w.scored('d1'), await w.scored('d2'), await w.scored('d3')], [[80_000], [80_000], []]);
  assert.equal(w.scorer.stats.unscoredPoints, 200);
  assert.deepEqual(w.warnings, ['live anomaly scoring: stream or memory limit reached; new streams are not scored']);
});

test('live scoring stops taking new streams past its memory limit, measured when the rules are re-read', async (t) => {
  const w = await world(t, { maxBytes: 1 });
  w.feed.emit(ORG, batch('d1', 100, 80));
  await w.scorer.idle();
  w.clock.now += 10_000; // the next batch re-reads the rules and sums the detectors' state
  w.feed.emit(ORG, batch('d2', 100, 80));
  await w.scorer.idle();
  assert.deepEqual([await w.scored('d1'), await w.scored('d2')], [[80_000], []]);
  assert.equal(w.scorer.stats.unscoredPoints, 100);
});

test('when scoring falls behind its queue bound, whole batches are dropped oldest first and counted; ingest never waits', async (t) => {
  const w = await world(t, { maxQueued: 1000 });
  // Emitted back to back: the first batch is taken at once, the next four queue up (2400 points > 1000).
  for (let k = 0; k < 5; k++) w.feed.emit(ORG, batch('d1', 600, 590, k * 600_000));
  await w.scorer.idle();
  assert.equal(w.scorer.stats.droppedPoints, 1800);
  // The dropped batches leave a gap the detector sees as missing data at the next batch's first point.
  assert.deepEqual((await w.anomalies('d1')).map((a) => [a.ts, a.label]), [[590_000, 'spike'], [4 * 600_000, 'missingness'], [4 * 600_000 + 590_000, 'spike']]);
  assert.equal(w.warnings.length, 3);
});

test('uplinked points are scored under the names the hub stores them by: the gateway as device, <device>/<metric> as metric', async (t) => {
  const w = await world(t, {});
  await setLiveScoring(w.db, ORG, { name: 'z', version: 1 }, [{ kind: 'device', id: 'gw-1' }], ['pump-1/flow'], 0);
  w.feed.emit(ORG, batch('pump-1', 100, 80), { gateway: 'gw-1' });
  w.feed.emit(ORG, batch('pump-2', 100, 80), { gateway: 'gw-1' });
  await w.scorer.idle();
  assert.deepEqual((await w.anomalies('gw-1')).map((a) => [a.metric, a.ts]), [['pump-1/flow', 80_000]]);
  assert.deepEqual(await w.scored('pump-1'), []);
});
