import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { PIPELINE_SCHEMA_PATH, renderPipelineSchema } from './pipeline-schema.js';

const root = new URL('../../../../', import.meta.url);

test('docs/reference/pipeline.schema.json is up to date with the operator registry', () => {
  let committed = '';
  try {
    committed = readFileSync(new URL(PIPELINE_SCHEMA_PATH, root), 'utf8');
  } catch {
    assert.fail(`${PIPELINE_SCHEMA_PATH} is missing: run npm run schema:pipeline`);
  }
  assert.equal(committed, renderPipelineSchema(), `${PIPELINE_SCHEMA_PATH} is stale: run npm run schema:pipeline and commit it`);
});

test('the published schema accepts a valid pipeline and rejects bad node configs by kind and version', () => {
  const validate = new Ajv({ allErrors: true, strict: false, discriminator: true }).compile(JSON.parse(renderPipelineSchema()));
  const doc = {
    schemaVersion: 1, id: 'p',
    nodes: [
      { id: 'in', kind: 'input', typeVersion: 1, config: { metrics: ['temp'] } },
      { id: 'agg', kind: 'aggregate', typeVersion: 1, config: { window: { type: 'hopping', size: '5m', hop: '1m' }, functions: ['avg', 'p95'] } },
    ],
    edges: [{ from: 'in', to: 'agg' }],
  };
  assert.equal(validate(doc), true, JSON.stringify(validate.errors));
  doc.nodes[1]!.config = { window: { type: 'weekly', size: '5m' }, functions: ['avg'] } as never;
  assert.equal(validate(doc), false);
  assert.ok(validate.errors!.some((e) => e.instancePath === '/nodes/1/config/window/type'));
  assert.equal(validate({ ...doc, nodes: [{ id: 'x', kind: 'sql', typeVersion: 1 }] }), false);
});
