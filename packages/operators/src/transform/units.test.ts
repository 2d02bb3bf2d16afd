import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPipeline } from '@outpost/engine';
import { unitConverter } from './units.js';
import { builtinOperators } from '../registry.js';

const conv = (from: string, to: string) => {
  const c = unitConverter(from, to);
  if (typeof c === 'string') assert.fail(c);
  return c;
};

test('affine conversions within a dimension', () => {
  assert.ok(Math.abs(conv('degC', 'degF')(37) - 98.6) < 1e-9);
  assert.ok(Math.abs(conv('degF', 'K')(32) - 273.15) < 1e-9);
  assert.ok(Math.abs(conv('psi', 'bar')(14.5037738) - 1) < 1e-6);
  assert.equal(conv('kWh', 'MJ')(1), 3.6);
  assert.equal(conv('m3/h', 'l/s')(3.6), 1);
  assert.equal(conv('%', 'ratio')(50), 0.5);
  assert.equal(conv('rpm', 'Hz')(120), 2);
});

test('unknown units and different dimensions are refused with the reason', () => {
  assert.equal(unitConverter('degC', 'kW'), 'cannot convert temperature (degC) to power (kW)');
  assert.equal(unitConverter('furlong', 'm'), "unknown unit 'furlong'");
  const doc = {
    schemaVersion: 1, id: 'p',
    nodes: [{ id: 'in', kind: 'input', typeVersion: 1 }, { id: 't', kind: 'transform', typeVersion: 1, config: { ops: [{ op: 'convert', from: 'degC', to: 'kW' }] } }],
    edges: [{ from: 'in', to: 't' }],
  };
  const issues = checkPipeline(doc, { operators: builtinOperators });
  assert.deepEqual(issues.map((i) => [i.nodeId, i.path, i.message]), [['t', '/nodes/1/config/ops/0', 'ops[0]: cannot convert temperature (degC) to power (kW)']]);
});
