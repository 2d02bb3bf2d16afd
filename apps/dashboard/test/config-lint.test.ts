// The Configuration tab's checks while typing, with the real gateway config schema (the one the hub
// serves at GET /v1/configs/schema) compiled by ajv as the browser does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { publishedSchema } from '@outpost/config';
import { configProblems } from '../src/pages/fleet/config/config-lint.js';
import { locate } from '../src/pages/fleet/config/json-locate.js';

const validate = new Ajv({ allErrors: true, strict: false }).compile(publishedSchema().properties!.gateway!);
const at = (text: string, p: { from: number; to: number }) => text.slice(p.from, p.to);

test('locate: key and value ranges by JSON pointer, escaped like ajv', () => {
  const text = '{ "a": { "b/c": [1, "x", {"d": null}] }, "e": true }';
  const m = locate(text);
  assert.equal(at(text, m.get('/a/b~1c')!.key!), '"b/c"');
  assert.equal(at(text, m.get('/a/b~1c')!.value), '[1, "x", {"d": null}]');
  assert.equal(at(text, m.get('/a/b~1c/2/d')!.value), 'null');
  assert.equal(at(text, m.get('/e')!.value), 'true');
  assert.equal(at(text, m.get('')!.value), text);
});

test('configProblems: schema violations at the offending key, one per setting', () => {
  const text = '{\n  "ingest": { "maxFutureMs": "soon" },\n  "log": { "level": "loud" },\n  "nonsense": 1\n}';
  const ps = configProblems(text, validate);
  assert.deepEqual(ps.map((p) => p.path), ['ingest.maxFutureMs', 'log.level', 'nonsense']);
  assert.equal(at(text, ps[0]!), '"maxFutureMs": "soon"');
  assert.match(ps[0]!.message, /must be (integer|number)/);
  assert.match(ps[1]!.message, /must be one of .*"info"/);
  assert.equal(at(text, ps[2]!), '"nonsense": 1');
  assert.equal(ps[2]!.message, 'unknown setting "nonsense"');
  assert.deepEqual(configProblems('{ "ingest": { "maxFutureMs": 1000 } }', validate), [], 'a valid config has no problems');
});

test('configProblems: JSON syntax errors where the parser stopped; a non-object; no schema means syntax only', () => {
  const text = '{ "log": { "level": "info" } ';
  const [p] = configProblems(text, validate);
  assert.equal(p!.path, '(JSON syntax)');
  assert.ok(p!.from >= text.length - 2, `at the end (${p!.from})`);
  const missingComma = '{ "a": 1 "b": 2 }';
  const [q] = configProblems(missingComma, validate);
  assert.equal(missingComma.slice(q!.from, q!.from + 3), '"b"');
  assert.match(configProblems('[1]', validate)[0]!.message, /expected a JSON object/);
  assert.deepEqual(configProblems('{ "nonsense": 1 }'), [], 'without the schema only syntax is checked');
});
