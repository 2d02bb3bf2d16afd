import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DeviceTokens } from './secrets.js';

const T0 = 1_700_000_000_000;

test('device tokens: a verified token is remembered but still expires, and a forged or re-signed one is refused', () => {
  const key = randomBytes(32);
  const tokens = new DeviceTokens(key, 2);
  const t = tokens.sign('dev-1', 'org-a', T0 + 1000);
  assert.deepEqual(tokens.verify(t, T0), { deviceId: 'dev-1', orgId: 'org-a', expiresAt: T0 + 1000 });
  assert.deepEqual(tokens.verify(t, T0 + 999), { deviceId: 'dev-1', orgId: 'org-a', expiresAt: T0 + 1000 }, 'second use (from the cache)');
  assert.equal(tokens.verify(t, T0 + 1000), 'expired', 'a remembered token expires all the same');
  assert.equal(tokens.verify(t, T0 + 1000), 'expired');
  // Another org in the body with the original signature: not valid, before or after the real one was cached.
  const forged = t.replace('.org-a.', '.org-b.');
  assert.equal(tokens.verify(forged, T0), undefined);
  assert.equal(new DeviceTokens(randomBytes(32)).verify(t, T0), undefined, 'signed with another key');
  // The cache is bounded: past its size it starts over, and every token still verifies.
  const many = ['a', 'b', 'c'].map((d) => tokens.sign(d, 'org-a', T0 + 5000));
  for (const m of many) assert.equal((tokens.verify(m, T0) as { deviceId: string }).deviceId, m.split('.')[1]);
  for (const m of many) assert.equal((tokens.verify(m, T0) as { deviceId: string }).deviceId, m.split('.')[1]);
});
