/**
 * Operator fixtures: JSON files of input batches and the expected output per port, run through
 * the real compiler and executor (a one-node pipeline fed by an input node). Adding a case to an
 * operator means adding a file to its `fixtures/` folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { Point } from '@outpost/contract';
import { compilePipeline, type EngineErrorRecord, type EngineHost, type EngineLimits, type ModelRunner, type ScriptRunner } from '@outpost/engine';
import { builtinOperators } from '../registry.js';

export interface OperatorFixture {
  description: string;
  node: { kind: string; typeVersion: number; config?: Record<string, unknown> };
  /** Fixed host clock, epoch ms (default: the newest timestamp in the batches). */
  clock?: number;
  limits?: Partial<EngineLimits>;
  batches: Point[][];
  /** Host-clock values to tick() with after the batches. */
  ticks?: number[];
  /** Call flush() at the end (default false). */
  flush?: boolean;
  /** Items per output port of the node under test; unlisted ports must stay empty. */
  expect: Record<string, unknown[]>;
  /** What the node handed to its sink (output and alert nodes). */
  expectSink?: unknown[];
  expectErrors?: { code: string; includes?: string; count?: number }[];
}

export interface FixtureRun { ports: Record<string, unknown[]>; sink: unknown[]; errors: EngineErrorRecord[] }

export async function runFixture(f: OperatorFixture, extra: { scriptRunner?: ScriptRunner; modelRunner?: ModelRunner } = {}): Promise<FixtureRun> {
  const sink: unknown[] = [];
  const rec = (...args: unknown[]) => { sink.push(args.length === 1 ? args[0] : args); };
  const maxTs = Math.max(0, ...f.batches.flat().map((p) => p.ts));
  const host: EngineHost = {
    clock: { now: () => f.clock ?? maxTs },
    sinks: {
      store: { write: (table, items) => rec(table, items) },
      outbox: { enqueue: (priority, items) => rec(priority, items) },
      mqtt: { publish: (msgs) => rec(msgs) },
      webhook: { post: (url, items, meta) => rec(url, items, meta.headers) },
      alert: { raise: (events) => rec(events) },
    },
    ...extra,
  };
  if (f.limits) host.limits = f.limits;
  const node = { id: 'node', ...f.node };
  const doc = node.kind === 'input'
    ? { schemaVersion: 1, id: 'fixture', nodes: [node], edges: [] }
    : { schemaVersion: 1, id: 'fixture', nodes: [{ id: 'src', kind: 'input', typeVersion: 1 }, node], edges: [{ from: 'src', to: 'node' }] };
  const ex = compilePipeline(doc, { operators: builtinOperators, host });
  const ports: Record<string, unknown[]> = {};
  ex.onNodeCall = (c) => {
    if (c.nodeId !== 'node') return;
    for (const [port, items] of Object.entries(c.outputs)) (ports[port] ??= []).push(...items);
  };
  const errors: EngineErrorRecord[] = [];
  for (const b of f.batches) errors.push(...(await ex.process(b)).errors);
  for (const t of f.ticks ?? []) errors.push(...(await ex.tick(t)).errors);
  if (f.flush) errors.push(...(await ex.flush()).errors);
  for (const k of Object.keys(ports)) if (ports[k]!.length === 0) delete ports[k];
  return { ports, sink, errors };
}

export function assertFixture(f: OperatorFixture, r: FixtureRun): void {
  assert.deepEqual(round(r.ports), round(f.expect), `${f.description}: port outputs`);
  if (f.expectSink !== undefined) assert.deepEqual(round(r.sink), round(f.expectSink), `${f.description}: sink calls`);
  const want = f.expectErrors ?? [];
  assert.equal(r.errors.length, want.length, `${f.description}: errors ${JSON.stringify(r.errors.map((e) => e.message))}`);
  want.forEach((w, i) => {
    const e = r.errors[i]!;
    assert.equal(e.code, w.code, `${f.description}: error ${i} code`);
    if (w.includes) assert.ok(e.message.includes(w.includes), `${f.description}: error ${i} "${e.message}" should include "${w.includes}"`);
    if (w.count !== undefined) assert.equal(e.details?.count, w.count, `${f.description}: error ${i} count`);
  });
}

/** Register one test per fixture file in `dir` (a URL of the operator's fixtures folder). */
export function fixtureTests(dir: URL, extra: Parameters<typeof runFixture>[1] = {}): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length > 0, `no fixtures in ${dir.pathname}`);
  for (const file of files) {
    const f = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as OperatorFixture;
    test(`fixture ${file}: ${f.description}`, async () => assertFixture(f, await runFixture(f, extra)));
  }
}

/** Compare floats to 9 significant decimals so fixtures need not spell out rounding noise. */
function round(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map(round);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]));
  return v;
}
