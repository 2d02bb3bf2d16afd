import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertEngine } from './engine.js';
import type { AlertChange } from './lifecycle/alert-store.js';
import { pipelineAlertSink } from './pipeline-sink.js';
import { openDb, pt } from './test/support.js';

test('pipeline alert events enter the lifecycle, de-duplicated per device while open, and reach onChanges', () => {
  const { db, close } = openDb();
  const seen: AlertChange[] = [];
  const engine = new AlertEngine({ db, rules: [], onChanges: (c) => seen.push(...c) });
  try {
    const sink = pipelineAlertSink(engine);
    const ev = (device: string, value: number) => ({ pipelineId: 'p1', nodeId: 'hot', rule: 'overheat', severity: 'critical' as const, message: `${device} ${value}`, ts: 1, item: pt(device, 'temp', value, 1) });
    sink.raise([ev('a', 95), ev('a', 96), ev('b', 97)]);
    const open = engine.query({ state: 'open' });
    assert.deepEqual(open.map((a) => [a.rule, a.device, a.points[0]!.value]).sort(), [['pipeline:p1/hot/overheat', 'a', 95], ['pipeline:p1/hot/overheat', 'b', 97]]);
    assert.equal(seen.length, 2);
    engine.clear(open.find((a) => a.device === 'a')!.id, 'done');
    sink.raise([ev('a', 99)]);
    assert.equal(engine.query({ state: 'open', device: 'a' }).length, 1);
  } finally {
    engine.stop();
    close();
  }
});
