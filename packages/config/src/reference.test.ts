import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_FILES, REPO_ROOT } from './generate-docs.js';
import { settings } from './json-schema.js';

test('committed config reference and JSON Schema match the schema (run `npm run docs:config` if not)', () => {
  for (const [rel, render] of Object.entries(REFERENCE_FILES)) {
    const committed = readFileSync(join(REPO_ROOT, rel), 'utf8');
    assert.ok(committed === render(), `${rel} is stale: run \`npm run docs:config\` and commit the result`);
  }
});

test('the reference lists every setting with its env var', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs/reference/config.md'), 'utf8');
  for (const s of settings()) {
    assert.ok(doc.includes(`| \`${s.path}\` |`) && doc.includes(`\`${s.env}\``), `${s.path} missing from config.md`);
  }
});
