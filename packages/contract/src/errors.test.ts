import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERRORS, OutpostError, isOutpostError } from './errors.js';

test('error codes follow ERR_<AREA>_<WHAT> and map to a kind and an HTTP status', () => {
  for (const [code, spec] of Object.entries(ERRORS)) {
    assert.match(code, /^ERR_[A-Z][A-Z_]*[A-Z]$/, code);
    assert.ok(['user', 'transient', 'bug'].includes(spec.kind), code);
    assert.ok(spec.status >= 400 && spec.status < 600, code);
    assert.ok(spec.doc.length > 10, `${code} needs a doc line`);
  }
});

test('OutpostError carries code, kind, status and serialises without the stack', () => {
  const e = new OutpostError('ERR_STORE_FULL', 'store is full', { maxMb: 10 });
  assert.equal(e.kind, 'transient');
  assert.equal(e.status, 507);
  assert.deepEqual(JSON.parse(JSON.stringify(e)), { code: 'ERR_STORE_FULL', message: 'store is full', details: { maxMb: 10 } });
  assert.ok(isOutpostError(e, 'ERR_STORE_FULL'));
  assert.ok(!isOutpostError(new Error('x')));
});
