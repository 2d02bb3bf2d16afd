import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { encodeRequest, MIN_COLUMN_POINTS, toColumns } from './columns.js';
import { DEFAULT_SCRIPT_LIMITS } from './limits.js';
import { parseReply, toPoint } from './output.js';
import { createScript } from './script.js';
import type { SandboxBackend } from './backend.js';
import type { ScriptResult } from './types.js';

/** Key order aside, what JSON objects would have carried. */
const canonical = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(canonical) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;

const varied: Point[] = [
  { device: 'press-1', metric: 'temp', ts: 1_700_000_000_000, value: 21.5, unit: 'degC' },
  { device: 'press-1', metric: 'state', ts: 1_700_000_000_250, value: 'RUN' },
  { device: 'press-2', metric: 'door', ts: 1_700_000_000_500, value: true, tags: { line: 'a', 'x y': 'z' } },
  { device: 'press-2', metric: 'temp', ts: 1_700_000_001_000, value: null, quality: 'bad', unit: 'degC' },
  { device: 'press-3', metric: 'temp', ts: 1_699_999_999_000, value: -0.1, quality: 'uncertain', attrs: { seq: 7, ok: true } },
  { device: 'ünïcode "quoted"', metric: 'm\n', ts: 0, value: 1e300, unit: '' },
  { device: 'press-1', metric: 'temp', ts: 8_640_000_000_000_000, value: 0 },
  { device: 'press-1', metric: 'temp', ts: -86_400_000, value: 5, tags: {} },
  { device: 'press-1', metric: 'temp', ts: 1_700_000_000_002, value: Number.MAX_SAFE_INTEGER },
];

function failed(r: ScriptResult) {
  assert.equal(r.ok, false, `expected a failure, got ${JSON.stringify(r)}`);
  return (r as Extract<ScriptResult, { ok: false }>).error;
}

test('a batch of plain points goes as columns and arrives in the sandbox as the same points', async () => {
  assert.ok(varied.length >= MIN_COLUMN_POINTS);
  const request = JSON.parse(encodeRequest(varied, undefined, undefined));
  assert.ok(request.c !== undefined && request.data === undefined, 'sent as columns');
  assert.equal(request.c.b, 1_700_000_000_000, 'integer timestamps go as offsets from the first');
  const s = await createScript({ id: 'echo', language: 'javascript', source: 'function process(data, ctx) { ctx.log.info(JSON.stringify(data)); return data; }' });
  const r = await s.run(varied);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(canonical(JSON.parse(r.logs[0]?.message ?? '')), canonical(JSON.parse(JSON.stringify(varied))));
  // Output columns: the same points as rebuilding the objects (attrs never leave the sandbox).
  assert.deepEqual(r.points, varied.map((p) => toPoint(JSON.parse(JSON.stringify(p)))));
  await s.close();
});

test('fractional timestamps are sent as they are; anything but a plain point goes as objects', async () => {
  const fractional = varied.map((p, i) => ({ ...p, ts: 1_700_000_000_000.5 + i }));
  const c = toColumns(fractional);
  assert.ok(c !== undefined && c.b === undefined);
  assert.deepEqual(c.t, fractional.map((p) => p.ts));
  class Reading {
    device = 'd';
    metric = 'm';
    ts = 1;
    value = 2;
  }
  const odd: unknown[] = [
    { ...varied[0], extra: 1 }, // a key columns do not carry
    { ...varied[0], unit: undefined }, // JSON would drop it; columns must not invent it
    new Reading(), // a prototype (toJSON, getters) JSON may treat differently
    { ...varied[0], value: {} },
    { ...varied[0], tags: null },
  ];
  for (const p of odd) {
    const batch = [...varied.slice(0, MIN_COLUMN_POINTS - 1), p] as Point[];
    assert.equal(toColumns(batch), undefined, JSON.stringify(p));
    assert.ok('data' in JSON.parse(encodeRequest(batch, undefined, undefined)));
  }
  assert.ok('data' in JSON.parse(encodeRequest(varied.slice(0, MIN_COLUMN_POINTS - 1), undefined, undefined)), 'small batches go as objects');
  const s = await createScript({ id: 'keys', language: 'javascript', source: 'function process(data) { return data.map((p) => ({ ...p, value: p.ts, unit: Object.keys(p).join() })); }' });
  const r = await s.run([...fractional.slice(0, MIN_COLUMN_POINTS - 1), { ...varied[0], extra: 1 } as Point]);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.points.map((p) => p.value), [...fractional.slice(0, MIN_COLUMN_POINTS - 1).map((p) => p.ts), varied[0]?.ts]);
  assert.match(r.points.at(-1)?.unit ?? '', /extra/, 'the extra key reached the script');
  await s.close();
});

test('bad output points get the same error in columns as in objects', async () => {
  const bad = ["{ ...p, value: NaN }", "{ ...p, device: '' }", "{ ...p, ts: 'soon' }", "{ ...p, quality: 'meh' }", "{ ...p, tags: { a: 1 } }", "{ ...p, unit: null }", "{ ...p, value: undefined }", '[p]', '7'];
  for (const expr of bad) {
    const messages: string[] = [];
    for (const n of [3, MIN_COLUMN_POINTS + 2]) {
      const s = await createScript({ id: 'bad', language: 'javascript', source: `function process(p) { return Array.from({ length: ${n} }, (_, i) => i === 2 ? ${expr} : { ...p, ts: p.ts + i }); }` });
      const e = failed(await s.run(varied[0] as Point));
      assert.equal(e.reason, 'invalid-output', expr);
      messages.push(e.message);
      await s.close();
    }
    assert.equal(messages[0], messages[1], expr);
  }
});

test('the output limit counts the points as JSON objects, byte for byte, though they travel as columns', async () => {
  const plain = varied.map(({ attrs: _attrs, ...p }) => p);
  const outputs: Point[][] = [
    plain,
    plain.map((p, i) => ({ ...p, ts: p.ts + 0.25 * i })), // timestamps sent as they are
    plain.map((p) => ({ ...p, tags: { site: 'north' } })),
    plain.map((p, i) => ({ ...p, ts: -i * 7, value: i % 2 ? 'ab"c' : -i })),
  ];
  for (const out of outputs) {
    const exact = JSON.stringify({ p: out, l: [] }).length;
    for (const [limit, ok] of [[exact, true], [exact - 1, false]] as const) {
      const s = await createScript({ id: 'sized', language: 'javascript', source: `function process() { return ${JSON.stringify(out)}; }`, limits: { maxOutputBytes: limit } });
      // Look at the wire: the reply must be columns, and smaller than the limit it is held to.
      const backend = (s as unknown as { backend: SandboxBackend }).backend;
      const invoke = backend.invoke.bind(backend);
      const replies: string[] = [];
      backend.invoke = async (request) => {
        const o = await invoke(request);
        if (o.ok) replies.push(o.reply);
        return o;
      };
      const r = await s.run(varied[0] as Point);
      if (ok) {
        assert.ok(r.ok, `limit ${limit}: ${JSON.stringify(r)}`);
        assert.deepEqual(r.points, out.map((p) => toPoint(JSON.parse(JSON.stringify(p)))));
        assert.ok(replies[0]?.startsWith('{"c":') && replies[0].length < exact, replies[0]);
      } else {
        assert.equal(failed(r).reason, 'output', `limit ${limit}`);
        assert.match(failed(r).message, new RegExp(`output of ${exact} bytes exceeds the limit of ${limit}`));
      }
      await s.close();
    }
  }
  // A huge result is refused before it is all encoded.
  const huge = await createScript({ id: 'huge', language: 'javascript', source: "function process(p) { return Array.from({ length: 200000 }, (_, i) => ({ ...p, metric: 'm' + i })); }", limits: { maxOutputBytes: 10_000 } });
  assert.match(failed(await huge.run(varied[0] as Point)).message, /output of more than \d+ bytes exceeds the limit of 10000/);
  await huge.close();
});

test('reply columns are not trusted: malformed shapes and indexes are refused', () => {
  const good = { s: ['d', 'm', 'u'], b: 1000, d: [0, 0], m: [1, 1], t: [0, 5], v: [1, 2], u: [2, -1] };
  const r = parseReply(JSON.stringify({ c: good, l: [] }), DEFAULT_SCRIPT_LIMITS);
  assert.deepEqual(r, { ok: true, points: [{ device: 'd', metric: 'm', ts: 1000, value: 1, unit: 'u' }, { device: 'd', metric: 'm', ts: 1005, value: 2 }], logs: [] });
  const cases: [unknown, RegExp][] = [
    [[1], /columns must be an object/],
    [{ ...good, d: 'x' }, /s, d, m, t and v must be arrays/],
    [{ ...good, v: [1] }, /column v must be an array of 2 entries/],
    [{ ...good, u: [2] }, /column u must be an array of 2 entries/],
    [{ ...good, b: 'x' }, /b must be a finite number/],
    [{ ...good, d: [0, 9] }, /output\[1\]: device must be a non-empty string/],
    [{ ...good, m: [1, '__proto__'] }, /output\[1\]: metric must be a non-empty string/],
    [{ ...good, d: [0, 1.5] }, /output\[1\]: device must be a non-empty string/],
    [{ ...good, u: [2, 7] }, /output\[1\]: unit must be a string/],
    [{ ...good, t: [0, 'x'] }, /output\[1\]: ts must be a finite number/],
    [{ ...good, g: [null, { a: {} }] }, /output\[1\]: tags.a must be a string/],
  ];
  for (const [c, re] of cases) {
    const out = parseReply(JSON.stringify({ c, l: [] }), DEFAULT_SCRIPT_LIMITS);
    assert.ok(!out.ok && out.error.reason === 'invalid-output' && re.test(out.error.message), `${JSON.stringify(c)}: ${JSON.stringify(out)}`);
  }
  const many = parseReply(JSON.stringify({ c: good, l: [] }), { ...DEFAULT_SCRIPT_LIMITS, maxOutputPoints: 1 });
  assert.ok(!many.ok && many.error.reason === 'output');
});
