import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { README, withRegisterMap } from './readme-doc.js';

test('the README register map matches the device models (regenerate: npm run gen:docs -w @outpost/simulator)', () => {
  const readme = readFileSync(README, 'utf8');
  assert.equal(readme, withRegisterMap(readme));
  assert.match(readme, /\| 0 \| holding \(FC3\) \| `active_power` \| float32 \| ABCD \| 1 \| kW \|/);
});
