import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError } from '@outpost/contract';
import { PipelineVersions } from './versions.js';
import type { PipelineDocument } from './types.js';

const doc = (expr: string): PipelineDocument => ({
  schemaVersion: 1, id: 'p', nodes: [{ id: 'in', kind: 'input', typeVersion: 1 }, { id: 'f', kind: 'filter', typeVersion: 1, config: { expression: expr } }], edges: [{ from: 'in', to: 'f' }],
});

test('every save is a new immutable version', () => {
  let t = 100;
  const v = new PipelineVersions({ now: () => t++ });
  const d = doc('value > 1');
  const v1 = v.save(d, 'first');
  d.nodes[1]!.config = { expression: 'value > 2' }; // changing the caller's object changes nothing stored
  const v2 = v.save(d);
  assert.deepEqual([v1.version, v2.version], [1, 2]);
  assert.equal((v.get('p', 1).doc.nodes[1]!.config as { expression: string }).expression, 'value > 1');
  assert.notEqual(v1.hash, v2.hash);
  assert.throws(() => { (v1.doc.nodes as unknown[]).push({}); }, TypeError);
  assert.throws(() => { (v1.doc.nodes[1]!.config as Record<string, unknown>).expression = 'x'; }, TypeError);
  assert.equal(v.list('p').length, 2);
  assert.equal(v1.createdAt, 100);
});

test('the same document always hashes the same, whatever the key order', () => {
  const v = new PipelineVersions({ now: () => 0 });
  const a = v.save(doc('value > 1'));
  const b = v.save(JSON.parse(JSON.stringify({ edges: doc('value > 1').edges, nodes: doc('value > 1').nodes, id: 'p', schemaVersion: 1 })));
  assert.equal(a.hash, b.hash);
});

test('assign, device over device type, and rollback re-points', () => {
  const v = new PipelineVersions({ now: () => 0 });
  v.save(doc('value > 1'));
  v.save(doc('value > 2'));
  v.save(doc('value > 3'));
  v.assign({ deviceType: 'chiller' }, 'p', 1);
  v.assign({ deviceType: 'chiller' }, 'p', 3);
  assert.equal(v.resolve('c1', 'chiller')[0]!.version, 3);
  v.assign({ device: 'c1' }, 'p', 2);
  assert.equal(v.resolve('c1', 'chiller')[0]!.version, 2, 'the device assignment wins');
  assert.equal(v.resolve('c2', 'chiller')[0]!.version, 3);
  assert.deepEqual(v.resolve('x', 'boiler'), []);
  assert.equal(v.rollback({ deviceType: 'chiller' }, 'p').version, 1);
  assert.equal(v.resolve('c2', 'chiller')[0]!.version, 1);
  assert.equal(v.rollback({ deviceType: 'chiller' }, 'p', 2).version, 2);
});

test('unknown versions and assignments are clear errors', () => {
  const v = new PipelineVersions({ now: () => 0 });
  v.save(doc('true'));
  assert.throws(() => v.get('p', 7), (e: unknown) => isOutpostError(e, 'ERR_PIPELINE_VERSION') && /no version 7/.test(e.message));
  assert.throws(() => v.assign({ device: 'd' }, 'nope', 1), /pipeline 'nope' has no version 1/);
  assert.throws(() => v.rollback({ device: 'd' }, 'p'), /not assigned to device 'd'/);
  v.assign({ device: 'd' }, 'p', 1);
  assert.throws(() => v.rollback({ device: 'd' }, 'p'), /no earlier version/);
});
