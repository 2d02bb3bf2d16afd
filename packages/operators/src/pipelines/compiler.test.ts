import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError } from '@outpost/contract';
import { checkPipeline, compilePipeline, type CompileIssue, type PipelineDocument, type Sinks } from '@outpost/engine';
import { builtinOperators } from '../registry.js';

const sinks: Sinks = { store: { write() {} }, alert: { raise() {} } };
const host = { sinks, clock: { now: () => 0 } };
const check = (doc: unknown, h: object = host) => checkPipeline(doc, { operators: builtinOperators, host: h });
const base = (): PipelineDocument => ({
  schemaVersion: 1, id: 'p',
  nodes: [
    { id: 'in', kind: 'input', typeVersion: 1 },
    { id: 'hot', kind: 'filter', typeVersion: 1, config: { expression: 'value > 50' } },
    { id: 'agg', kind: 'aggregate', typeVersion: 1, config: { window: { type: 'tumbling', size: '1m' }, functions: ['avg'] } },
    { id: 'st', kind: 'store', typeVersion: 1, config: { table: 'derived' } },
  ],
  edges: [{ from: 'in', to: 'hot' }, { from: 'hot', to: 'agg' }, { from: 'agg', fromPort: 'rollup', to: 'st' }],
});
const byNode = (issues: CompileIssue[]) => issues.map((i) => `${i.nodeId ?? '-'}: ${i.message}`);

test('a valid document compiles', () => {
  assert.deepEqual(check(base()), []);
  assert.equal(compilePipeline(base(), { operators: builtinOperators, host }).nodes.length, 4);
});

test('a cycle is reported on every node on it', () => {
  const d = base();
  d.nodes.push({ id: 'f2', kind: 'filter', typeVersion: 1, config: { expression: 'true' } });
  d.edges.push({ from: 'hot', to: 'f2' }, { from: 'f2', to: 'hot' });
  const issues = check(d);
  assert.deepEqual(byNode(issues), ['hot: node is on a cycle: hot → f2 → hot', 'f2: node is on a cycle: hot → f2 → hot']);
});

test('unknown kinds and versions name the node and what exists', () => {
  const d = base();
  d.nodes.push({ id: 'x', kind: 'sql', typeVersion: 1 }, { id: 'y', kind: 'filter', typeVersion: 9, config: { expression: 'true' } });
  d.edges.push({ from: 'in', to: 'x' }, { from: 'in', to: 'y' });
  const issues = check(d);
  assert.equal(issues.length, 2);
  assert.equal(issues[0]!.nodeId, 'x');
  assert.match(issues[0]!.message, /unknown node kind 'sql'; known kinds: input, filter/);
  assert.equal(issues[1]!.nodeId, 'y');
  assert.match(issues[1]!.message, /filter has no typeVersion 9; this engine has 1/);
});

test('dangling edges, unknown ports, unconnected inputs and type mismatches are all reported', () => {
  const d = base();
  d.nodes.push({ id: 'f3', kind: 'filter', typeVersion: 1, config: { expression: 'true' } }, { id: 'lonely', kind: 'filter', typeVersion: 1, config: { expression: 'true' } });
  d.edges.push(
    { from: 'ghost', to: 'st' },
    { from: 'hot', fromPort: 'nope', to: 'st' },
    { from: 'hot', to: 'st', toPort: 'side' },
    { from: 'agg', fromPort: 'rollup', to: 'f3' },
  );
  const msgs = byNode(check(d));
  assert.deepEqual(msgs, [
    "st: edge 3 comes from unknown node 'ghost'",
    "hot: filter node 'hot' has no output port 'nope' (it has: out, rejected)",
    "st: store node 'st' has no input port 'side' (it has: in)",
    "f3: type mismatch: 'agg.rollup' gives rollup items but 'f3.in' accepts point",
    "f3: input port 'in' of filter node 'f3' is not connected to anything",
    "lonely: input port 'in' of filter node 'lonely' is not connected to anything",
  ]);
});

test('unknown fields in the document and in node configs are named', () => {
  const d = base() as unknown as { nodes: { config?: Record<string, unknown> }[]; colour?: string };
  d.nodes[1]!.config = { expression: 'value > 1', treshold: 3 };
  d.nodes[2]!.config = { window: { type: 'tumbling', size: '1 minute' }, functions: ['avg', 'median'] };
  const issues = check(d);
  assert.deepEqual(issues.map((i) => [i.nodeId, i.path]), [
    ['hot', '/nodes/1/config'],
    ['agg', '/nodes/2/config/window/size'],
    ['agg', '/nodes/2/config/functions/1'],
  ]);
  assert.match(issues[0]!.message, /unknown field 'treshold'/);
  d.colour = 'red';
  assert.match(check(d)[0]!.message, /unknown field 'colour'/);
  const noVersion = base() as unknown as { nodes: Record<string, unknown>[] };
  delete noVersion.nodes[0]!.typeVersion;
  const [e] = check(noVersion);
  assert.equal(e!.nodeId, 'in');
  assert.match(e!.message, /must have required property 'typeVersion'/);
});

test('every bad expression in every node is reported with node, path and position', () => {
  const d = base();
  d.nodes[1]!.config = { expression: 'value > (1 +' };
  d.nodes.push(
    { id: 'tx', kind: 'transform', typeVersion: 1, config: { ops: [{ op: 'set', field: 'value', expression: 'value / 0' }, { op: 'derive', metric: 'x', expression: 'sqrtt(value)' }] } },
    { id: 'al', kind: 'alert', typeVersion: 1, config: { rule: 'r', when: 'value + 1' } },
  );
  d.edges.push({ from: 'in', to: 'tx' }, { from: 'in', to: 'al' });
  const issues = check(d);
  assert.deepEqual(issues.map((i) => [i.nodeId, i.code, i.path, i.position]), [
    ['hot', 'ERR_PIPELINE_EXPRESSION', '/nodes/1/config/expression', 13],
    ['tx', 'ERR_PIPELINE_EXPRESSION', '/nodes/4/config/ops/0/expression', 7],
    ['tx', 'ERR_PIPELINE_EXPRESSION', '/nodes/4/config/ops/1/expression', 1],
    ['al', 'ERR_PIPELINE_EXPRESSION', '/nodes/5/config/when', 1],
  ]);
  assert.match(issues[2]!.message, /unknown function 'sqrtt\(\)'/);
  assert.match(issues[3]!.message, /expected a boolean result/);
});

test('compilePipeline throws one OutpostError listing every problem', () => {
  const d = base();
  d.nodes[1]!.config = { expression: 'vlaue > 1' };
  d.nodes[0]!.kind = 'inptu';
  try {
    compilePipeline(d, { operators: builtinOperators, host });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(isOutpostError(e, 'ERR_PIPELINE_INVALID'));
    assert.equal((e.details!.issues as unknown[]).length, 3);
    assert.match(e.message, /pipeline 'p' has 3 problems: node 'in': unknown node kind 'inptu'.*a pipeline needs at least one input node.*node 'hot': expression: unknown field 'vlaue'/);
  }
});

test('script and model nodes are rejected clearly unless the host plugs in a runner; outputs need their sink', () => {
  const d = base();
  d.nodes.push(
    { id: 'sc', kind: 'script', typeVersion: 1, config: { source: 'function process(p) { return p }' } },
    { id: 'ml', kind: 'model', typeVersion: 1, config: { modelId: 'pump-if', version: '3' } },
    { id: 'mq', kind: 'mqtt', typeVersion: 1, config: { topic: 'x/{device}' } },
  );
  d.edges.push({ from: 'in', to: 'sc' }, { from: 'in', to: 'ml' }, { from: 'in', to: 'mq' });
  const issues = check(d, { clock: { now: () => 0 } });
  assert.deepEqual(byNode(issues), [
    'st: this host provides no store sink',
    'sc: script nodes need a script runner (the sandbox), and this host provides none',
    'ml: model nodes need a model runner (the ML package), and this host provides none',
    'mq: this host provides no MQTT sink',
  ]);
  assert.ok(issues.every((i) => i.code === 'ERR_PIPELINE_UNSUPPORTED'));
});

test('huge or degenerate windows are refused at compile time', () => {
  const d = base();
  d.nodes.push(
    { id: 'a1', kind: 'aggregate', typeVersion: 1, config: { window: { type: 'tumbling', size: '400d' }, functions: ['avg'] } },
    { id: 'a2', kind: 'aggregate', typeVersion: 1, config: { window: { type: 'hopping', size: '1d', hop: '1s' }, functions: ['avg'] } },
    { id: 'a3', kind: 'aggregate', typeVersion: 1, config: { window: { type: 'hopping', size: '1m', hop: '5m' }, functions: ['avg'] } },
    { id: 'a4', kind: 'aggregate', typeVersion: 1, config: { window: { type: 'tumbling', size: 0 }, functions: ['avg'] } },
    { id: 'ip', kind: 'interpolate', typeVersion: 1, config: { interval: '1ms', maxGap: '1d' } },
  );
  for (const id of ['a1', 'a2', 'a3', 'a4', 'ip']) d.edges.push({ from: 'in', to: id });
  assert.deepEqual(byNode(check(d)), [
    'a1: window size 400d is larger than the maximum of 31d',
    'a2: size/hop = 86400 overlapping windows per point; at most 60',
    'a3: hop 5m is longer than the window 1m (points would fall between windows)',
    'a4: window size must be more than 0',
    'ip: maxGap/interval would synthesise up to 86400000 points per gap; at most 10000',
  ]);
});

test('duplicate node ids and a pipeline without input are reported', () => {
  const d = base();
  d.nodes[3]!.id = 'hot';
  const msgs = byNode(check(d));
  assert.ok(msgs.includes("hot: duplicate node id 'hot'"), msgs.join('\n'));
  const noInput: PipelineDocument = { schemaVersion: 1, id: 'p', nodes: [{ id: 'f', kind: 'filter', typeVersion: 1, config: { expression: 'true' } }], edges: [] };
  assert.deepEqual(byNode(check(noInput)), ["f: input port 'in' of filter node 'f' is not connected to anything", '-: a pipeline needs at least one input node']);
});
