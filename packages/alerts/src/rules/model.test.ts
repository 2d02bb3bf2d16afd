import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { compileModel } from './model.js';
import { compileRule } from './rule.js';

const p = (stat: string, value: number, model: string, device = 'gw-1'): Point => ({ device, metric: `model.${stat}`, ts: 0, value, tags: { model } });
const kinds = (ev: ReturnType<typeof compileModel>, pts: Point[]) => pts.map((q) => (ev.onPoint(q, 0) ?? []).map((t) => `${t.type}:${t.key}`).join(',') || '-');

test('model rule: drift above a limit raises per device and model version, clears when back', () => {
  const ev = compileModel({ stat: 'psi', above: 0.25, model: 'vib' }, 'r');
  assert.deepEqual(ev.metrics, ['model.psi']);
  assert.deepEqual(kinds(ev, [p('psi', 0.1, 'vib@1'), p('psi', 0.4, 'vib@1'), p('psi', 0.5, 'vib@1'), p('psi', 0.3, 'vib@2', 'gw-2'), p('psi', 0.4, 'other@1'), p('psi', 0.2, 'vib@1')]),
    ['-', 'raise:gw-1|vib@1', '-', 'raise:gw-2|vib@2', '-', 'clear:gw-1|vib@1']);
});

test('model rule: accuracy below a limit; a version filter; bad specs named', () => {
  const ev = compileModel({ stat: 'accuracy', below: 0.8, model: 'cls@3' }, 'r');
  assert.deepEqual(kinds(ev, [p('accuracy', 0.7, 'cls@2', 'hub'), p('accuracy', 0.7, 'cls@3', 'hub'), p('accuracy', 0.9, 'cls@3', 'hub')]), ['-', 'raise:hub|cls@3', 'clear:hub|cls@3']);
  assert.throws(() => compileModel({ stat: 'p42', above: 1 }, 'r'), /r\.stat: must be one of p50_ms, p95_ms, p99_ms, error_rate, psi, kl, accuracy/);
  assert.throws(() => compileModel({ stat: 'psi' }, 'r'), /give exactly one of above/);
  assert.throws(() => compileModel({ stat: 'psi', above: 1, below: 0 }, 'r'), /give exactly one of above/);
  assert.throws(() => compileModel({ stat: 'psi', above: 1, model: '../x' }, 'r'), /r\.model: must be a model name/);
  assert.equal(compileRule({ id: 'lat', kind: 'model', stat: 'p99_ms', above: 50 }, 'rules[0]', 0).kind, 'model');
});
