import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeArtifact } from '@outpost/ml';
import { assertError, hubFixture } from '../../testkit/fixture.js';

test('a detector uploaded as a model artifact is checked against the artifact schema; ONNX bytes are not taken for one', async (t) => {
  const f = await hubFixture(t, 'sqlite');
  if (!f) return;
  const { token } = await f.setup();
  const put = (version: string, payload: string | Buffer) => f.call('PUT', `/v1/artifacts/model/det/${version}`, { token, payload, headers: { 'content-type': 'application/octet-stream' } });
  const good = makeArtifact({ kind: 'ewma' });
  const bad = await put('1', JSON.stringify({ ...good, threshold: 'high', kind: 'magic' }));
  assertError(bad, 400, 'ERR_ARTIFACT_INVALID');
  assert.match(bad.json.error.message, /^model det@1: .*threshold/);
  assert.deepEqual((await f.call('GET', '/v1/artifacts?kind=model', { token })).json.items, [], 'nothing stored');
  assert.equal((await put('1', JSON.stringify(good))).status, 201);
  // A protobuf (ONNX) file: field 1 varint — not JSON, so not judged as a detector.
  assert.equal((await put('2', Buffer.from([0x08, 0x07, 0x12, 0x04, 0x74, 0x65, 0x73, 0x74]))).status, 201);
});
