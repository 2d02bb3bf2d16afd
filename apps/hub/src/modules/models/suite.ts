import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { OnnxModel, makeArtifact } from '@outpost/ml';
import { buildMlp, buildReshape } from '@outpost/ml/onnx/build';
import { assertError, hubFixture, type Adapter, type Fixture } from '../../testkit/fixture.js';

const MLP = buildMlp({ inputs: 4, hidden: [8], outputs: 1, seed: 3 });
const MLP2 = buildMlp({ inputs: 4, hidden: [8], outputs: 1, seed: 4 });

export async function world(t: TestContext, adapter: Adapter, models: Record<string, unknown> = {}) {
  const f = await hubFixture(t, adapter, { maxBodyBytes: 16 * 1024 * 1024, models: { maxBatch: 1000, maxUploadBytes: 256 * 1024, ...models } });
  if (!f) return undefined;
  const { token } = await f.setup();
  const keyRes = await f.call('POST', '/v1/api-keys', { token, body: { name: 'inference', scopes: ['read'] } });
  return { f, token, key: keyRes.json.secret as string, keyId: keyRes.json.id as string };
}

export function upload(f: Fixture, token: string, name: string, bytes: Uint8Array, query = '') {
  return f.call('POST', `/v1/registry/models/${name}/versions${query ? `?${query}` : ''}`, { token, payload: Buffer.from(bytes), headers: { 'content-type': 'application/octet-stream' } });
}

/** What onnxruntime says for these rows, straight from the bytes (the reference for API answers). */
async function direct(bytes: Uint8Array, rows: number[][]): Promise<number[]> {
  const m = await OnnxModel.load(bytes);
  try { return (await m.run(rows)).map((r) => r.score); } finally { await m.release(); }
}

const rows = (n: number, shift = 0) => Array.from({ length: n }, (_, i) => [Math.sin(i) + shift, Math.cos(i) + shift, (i % 7) / 7 + shift, shift]);

/** The registry and inference API against a real hub on the given store. */
export async function modelsSuite(t: TestContext, adapter: Adapter): Promise<void> {
  await t.test('upload → validated version with the schema from the graph, tags, download statistics', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token } = w;
    const schema = encodeURIComponent(JSON.stringify({ inputs: [{ name: 'x', type: 'float32', shape: ['N', 4] }] }));
    const r = await upload(f, token, 'pump-health', MLP, `filename=pump.onnx&description=Pump%20health&expectedLatencyMs=2&metrics=${encodeURIComponent('{"auc":0.91}')}&schema=${schema}&tag=staging`);
    assert.equal(r.status, 201, r.body);
    assert.deepEqual({ name: r.json.name, version: r.json.version, format: r.json.format, framework: r.json.framework, executable: r.json.executable, size: r.json.sizeBytes, tags: r.json.tags },
      { name: 'pump-health', version: 1, format: 'onnx', framework: 'onnx', executable: true, size: MLP.length, tags: ['staging'] });
    assert.deepEqual(r.json.schema, { inputs: [{ name: 'x', type: 'float32', shape: ['N', 4] }], outputs: [{ name: 'y', type: 'float32', shape: ['N', 1] }] });
    assert.deepEqual({ ...r.json.meta, testLatencyMs: typeof r.json.meta.testLatencyMs }, { filename: 'pump.onnx', expectedLatencyMs: 2, metrics: { auc: 0.91 }, features: null, reference: null, testLatencyMs: 'number', conversion: null });
    const r2 = await upload(f, token, 'pump-health', MLP2);
    assert.equal(r2.json.version, 2);
    assertError(await f.call('PUT', '/v1/registry/models/pump-health/tags/production', { token, body: { version: 9 } }), 404, 'ERR_HUB_NOT_FOUND');
    assert.equal((await f.call('PUT', '/v1/registry/models/pump-health/tags/production', { token, body: { version: 2 } })).status, 200);
    const list = await f.call('GET', '/v1/registry/models', { token });
    assert.deepEqual(list.json.items.map((m: any) => [m.name, m.latest.version, m.versions, m.tags]), [['pump-health', 2, 2, { production: 2, staging: 1 }]]);
    const file = await f.app.inject({ method: 'GET', url: '/v1/registry/models/pump-health/versions/1/file', headers: { authorization: `Bearer ${token}` } });
    assert.equal(file.statusCode, 200);
    assert.ok(file.rawPayload.equals(Buffer.from(MLP)));
    assert.equal((await f.call('GET', '/v1/registry/models/pump-health/versions/1', { token })).json.downloads, 1);
    const dep = await f.call('POST', '/v1/registry/models/pump-health/versions/1/deprecate', { token, body: { reason: 'replaced by v2' } });
    assert.deepEqual(dep.json.deprecated, { at: f.clock.now, reason: 'replaced by v2' });
    const audit = await f.call('GET', '/v1/audit?entity=model', { token });
    if (audit.status === 200) assert.ok(audit.json.items.some((a: any) => a.action === 'model.upload'));
  });

  await t.test('bad uploads: corrupt ONNX, not a model, lying schema, failing test inference, bad metadata, too large — each explained, nothing stored', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token } = w;
    const corrupt = await upload(f, token, 'm', MLP.subarray(0, Math.floor(MLP.length / 2)));
    assertError(corrupt, 400, 'ERR_MODEL_INVALID');
    assertError(await upload(f, token, 'm', Buffer.from('ts,value\n1,2\n'), 'filename=data.csv'), 400, 'ERR_MODEL_INVALID');
    const lie = await upload(f, token, 'm', MLP, `schema=${encodeURIComponent(JSON.stringify({ inputs: [{ name: 'features', type: 'float32', shape: ['N', 16] }] }))}`);
    assertError(lie, 422, 'ERR_MODEL_SCHEMA_MISMATCH');
    assert.match(lie.json.error.message, /"features" is not in the graph \(it has x\)/);
    const broken = await upload(f, token, 'm', buildReshape(4, [3]));
    assertError(broken, 422, 'ERR_MODEL_TEST_FAILED');
    assert.match(broken.json.error.message, /test inference on a generated input/);
    assertError(await upload(f, token, 'm', MLP, 'metrics=%7Bauc'), 400, 'ERR_MODEL_INVALID');
    assertError(await upload(f, token, 'm', MLP, 'features=a,b'), 400, 'ERR_MODEL_INVALID');
    assertError(await upload(f, token, 'm', MLP, 'format=tflite'), 400, 'ERR_MODEL_INVALID');
    assertError(await upload(f, token, 'm', buildMlp({ inputs: 256, hidden: [256], outputs: 1 })), 413, 'ERR_HUB_TOO_LARGE');
    assertError(await f.call('GET', '/v1/registry/models/m/versions', { token }), 404, 'ERR_HUB_NOT_FOUND');
    assert.deepEqual((await f.call('GET', '/v1/registry/models', { token })).json.items, []);
  });

  await t.test('a pickle is stored with its metadata, flagged not executable, never loaded; inference explains the conversion', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key } = w;
    const marker = `${f.dataDir}/pwned`;
    // Unpickling this would run `touch <marker>`.
    const evil = Buffer.from(`cos\nsystem\n(S'touch ${marker}'\ntR.`);
    const r = await upload(f, token, 'churn', evil, 'filename=churn.pkl&metrics=%7B%22f1%22%3A0.8%7D');
    assert.equal(r.status, 201, r.body);
    assert.deepEqual([r.json.format, r.json.framework, r.json.executable, r.json.meta.metrics], ['sklearn-pickle', 'scikit-learn', false, { f1: 0.8 }]);
    assert.match(r.json.meta.conversion, /skl2onnx/);
    const call = await f.call('POST', '/api/inference/churn?version=1', { apiKey: key, body: { input: [1, 2] } });
    assertError(call, 409, 'ERR_MODEL_NOT_EXECUTABLE');
    assert.match(call.json.error.message, /convert it to ONNX \(skl2onnx/);
    assertError(await f.call('POST', '/api/inference/churn', { apiKey: key, body: { input: [1, 2] } }), 409, 'ERR_MODEL_NOT_EXECUTABLE');
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(marker), false);
  });

  await t.test('inference: one input or a batch, the version used, latency; answers equal onnxruntime called directly', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key } = w;
    await upload(f, token, 'pump', MLP);
    await upload(f, token, 'pump', MLP2, 'tag=staging');
    const batch = rows(20);
    const one = await f.call('POST', '/api/inference/pump', { apiKey: key, body: { input: batch[0] } });
    assert.equal(one.status, 200, one.body);
    const latest = await direct(MLP2, batch);
    assert.deepEqual([one.json.model, one.json.version, one.json.scores[0], one.json.provider], ['pump', 2, latest[0], 'cpu']);
    assert.ok(one.json.latencyMs >= 0);
    const many = await f.call('POST', '/api/inference/pump?version=1', { apiKey: key, body: { inputs: batch, outputs: true } });
    assert.deepEqual(many.json.scores, await direct(MLP, batch));
    assert.deepEqual(many.json.predictions, many.json.scores);
    assert.equal(many.json.outputs.length, 20);
    assert.equal((await f.call('POST', '/api/inference/pump?tag=staging', { apiKey: key, body: { input: batch[0] } })).json.version, 2);
    assertError(await f.call('POST', '/api/inference/pump?tag=production', { apiKey: key, body: { input: batch[0] } }), 404, 'ERR_HUB_NOT_FOUND');
    assertError(await f.call('POST', '/api/inference/nope', { apiKey: key, body: { input: batch[0] } }), 404, 'ERR_HUB_NOT_FOUND');
    assertError(await f.call('POST', '/api/inference/pump', { body: { input: batch[0] } }), 401, 'ERR_AUTH_REQUIRED');
  });

  await t.test('bad inference input: wrong shape, wrong type, both or neither of input/inputs, a batch of 1 million', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key } = w;
    await upload(f, token, 'pump', MLP);
    const shape = await f.call('POST', '/api/inference/pump', { apiKey: key, body: { inputs: [[1, 2, 3, 4], [1, 2, 3]] } });
    assertError(shape, 400, 'ERR_INFERENCE_INPUT');
    assert.match(shape.json.error.message, /input 1: x has 3 values; the model expects 4/);
    const type = await f.call('POST', '/api/inference/pump', { apiKey: key, body: { input: [1, 'two', 3, 4] } });
    assertError(type, 400, 'ERR_INFERENCE_INPUT');
    assert.match(type.json.error.message, /x\[1\] is "two"; expected a finite number/);
    assertError(await f.call('POST', '/api/inference/pump', { apiKey: key, body: { input: 'x' } }), 400, 'ERR_INFERENCE_INPUT');
    assertError(await f.call('POST', '/api/inference/pump', { apiKey: key, body: {} }), 400, 'ERR_INFERENCE_INPUT');
    assertError(await f.call('POST', '/api/inference/pump', { apiKey: key, body: { input: [1, 2, 3, 4], inputs: [] } }), 400, 'ERR_INFERENCE_INPUT');
    assertError(await f.call('POST', '/api/inference/pump', { apiKey: key, body: { inputs: [[1, 2, 3, 4]], ids: ['a', 'b'] } }), 400, 'ERR_INFERENCE_INPUT');
    const million = `{"inputs":[${new Array(1_000_000).fill('[0]').join(',')}]}`;
    const big = await f.call('POST', '/api/inference/pump', { apiKey: key, payload: million, headers: { 'content-type': 'application/json' } });
    assertError(big, 413, 'ERR_INFERENCE_BATCH_TOO_LARGE');
    assert.match(big.json.error.message, /batch of 1000000 inputs exceeds hub\.models\.maxBatch \(1000\)/);
  });

  await t.test('compact batches: a flat JSON array with shape, and binary float32 with ?shape=, answer like nested rows; bad sizes explained', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key } = w;
    await upload(f, token, 'pump', MLP);
    const batch = rows(16);
    const want = (await f.call('POST', '/api/inference/pump', { apiKey: key, body: { inputs: batch } })).json.scores;
    assert.equal(want.length, 16);
    const flat = await f.call('POST', '/api/inference/pump', { apiKey: key, body: { inputs: batch.flat(), shape: [16, 4] } });
    assert.equal(flat.status, 200, flat.body);
    assert.deepEqual(flat.json.scores, want);
    // float32 on the wire: the same values the nested form is rounded to in the tensor, so the same scores.
    const bin = Buffer.from(new Float32Array(batch.flat()).buffer);
    const binary = await f.call('POST', '/api/inference/pump?shape=16,4', { apiKey: key, payload: bin, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(binary.status, 200, binary.body);
    assert.deepEqual(binary.json.scores, want);
    const odd = Buffer.concat([Buffer.alloc(1), bin]).subarray(1); // a body at an unaligned offset is copied, not refused
    assert.deepEqual((await f.call('POST', '/api/inference/pump?shape=16,4', { apiKey: key, payload: odd, headers: { 'content-type': 'application/octet-stream' } })).json.scores, want);
    const cases: [unknown, RegExp][] = [
      [{ inputs: batch.flat(), shape: [16, 3] }, /inputs has 64 values; shape \[16, 3\] needs 48/],
      [{ inputs: batch.flat().slice(0, 48), shape: [16, 3] }, /shape gives 3 values per row; the model expects 4/],
      [{ inputs: [...batch.flat().slice(0, 63), 'x'], shape: [16, 4] }, /inputs\[63\] \(row 15\) is "x"; expected a finite number/],
    ];
    for (const [body, msg] of cases) {
      const r = await f.call('POST', '/api/inference/pump', { apiKey: key, body });
      assertError(r, 400, 'ERR_INFERENCE_INPUT');
      assert.match(r.json.error.message, msg);
    }
    const bad = async (query: string, payload: Buffer, msg: RegExp) => {
      const r = await f.call('POST', `/api/inference/pump${query}`, { apiKey: key, payload, headers: { 'content-type': 'application/octet-stream' } });
      assertError(r, 400, 'ERR_INFERENCE_INPUT');
      assert.match(r.json.error.message, msg);
    };
    await bad('', bin, /needs \?shape=rows,size/);
    await bad('?shape=16', bin, /shape=16: expected positive integers/);
    await bad('?shape=16,3', bin, /the body has 256 bytes; shape \[16, 3\] of float32 needs 192/);
    await bad('?shape=16,4', Buffer.from(new Float32Array([...batch.flat().slice(0, 63), Number.NaN]).buffer), /inputs\[63\] \(row 15\) is null; expected a finite number/);
    const usage = (await f.call('GET', '/v1/registry/models/pump/monitoring', { token })).json;
    assert.ok(usage, 'monitoring answers after compact calls');
  });

  await t.test('async inference: job id at once, poll until the result, the result expires', async (t) => {
    const w = await world(t, adapter, { asyncResultTtlS: 60 });
    if (!w) return;
    const { f, token, key } = w;
    await upload(f, token, 'pump', MLP);
    const batch = rows(64);
    const r = await f.call('POST', '/api/inference/pump?mode=async', { apiKey: key, body: { inputs: batch } });
    assert.equal(r.status, 202, r.body);
    assert.equal(r.json.expiresAt, f.clock.now + 60_000);
    let job: any;
    await waitFor(async () => { job = (await f.call('GET', `/api/inference/jobs/${r.json.id}`, { apiKey: key })).json; return job.status === 'succeeded' || job.status === 'failed'; }, { timeoutMs: 20_000, what: 'async inference job' });
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    assert.deepEqual(job.result.scores, await direct(MLP, batch));
    const bad = await f.call('POST', '/api/inference/pump?mode=async', { apiKey: key, body: { inputs: [[1]] } });
    await waitFor(async () => (await f.call('GET', `/api/inference/jobs/${bad.json.id}`, { apiKey: key })).json.status === 'failed', { timeoutMs: 20_000, what: 'failing job' });
    assert.equal((await f.call('GET', `/api/inference/jobs/${bad.json.id}`, { apiKey: key })).json.error.code, 'ERR_INFERENCE_INPUT');
    f.clock.now += 60_001;
    const gone = await f.call('GET', `/api/inference/jobs/${r.json.id}`, { apiKey: key });
    assertError(gone, 404, 'ERR_HUB_NOT_FOUND');
    assert.match(gone.json.error.message, /expired/);
  });

  await t.test('per-key rate limit: a key limited to 2 per minute gets 429 on the third call; other keys are unaffected', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key, keyId } = w;
    await upload(f, token, 'pump', MLP);
    assert.equal((await f.call('PUT', `/v1/registry/inference-limits/${keyId}`, { token, body: { perMinute: 2 } })).status, 200);
    assertError(await f.call('PUT', '/v1/registry/inference-limits/nokey', { token, body: { perMinute: 2 } }), 404, 'ERR_HUB_NOT_FOUND');
    const body = { input: [1, 2, 3, 4] };
    assert.equal((await f.call('POST', '/api/inference/pump', { apiKey: key, body })).status, 200);
    assert.equal((await f.call('POST', '/api/inference/pump', { apiKey: key, body })).status, 200);
    assertError(await f.call('POST', '/api/inference/pump', { apiKey: key, body }), 429, 'ERR_AUTH_RATE_LIMITED');
    assert.equal((await f.call('POST', '/api/inference/pump', { token, body })).status, 200);
  });

  await t.test('concurrent calls during a model swap (production re-tagged mid-flight) all answer from one version or the other', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key } = w;
    await upload(f, token, 'pump', MLP, 'tag=production');
    await upload(f, token, 'pump', MLP2);
    const input = rows(1)[0]!;
    const [s1, s2] = [(await direct(MLP, [input]))[0], (await direct(MLP2, [input]))[0]];
    const calls = Array.from({ length: 40 }, (_, i) => (i === 20
      ? f.call('PUT', '/v1/registry/models/pump/tags/production', { token, body: { version: 2 } })
      : f.call('POST', '/api/inference/pump', { apiKey: key, body: { input } })));
    const answers = (await Promise.all(calls)).filter((_, i) => i !== 20);
    for (const a of answers) {
      assert.equal(a.status, 200, a.body);
      assert.equal(a.json.scores[0], a.json.version === 1 ? s1 : s2);
    }
    assert.equal((await f.call('POST', '/api/inference/pump', { apiKey: key, body: { input } })).json.version, 2);
  });

  await t.test('detector artifacts are registered and score a series through the same API', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key } = w;
    const artifact = makeArtifact({ kind: 'zscore', params: { window: 20 }, threshold: 0.6 });
    const r = await upload(f, token, 'flow-z', Buffer.from(JSON.stringify(artifact)));
    assert.deepEqual([r.status, r.json.format, r.json.executable], [201, 'outpost-detector', true]);
    const series = Array.from({ length: 60 }, (_, i) => [i * 60_000, 10 + Math.sin(i) + (i === 50 ? 40 : 0)]);
    const s = await f.call('POST', '/api/inference/flow-z', { apiKey: key, body: { inputs: series } });
    assert.equal(s.status, 200, s.body);
    assert.deepEqual(s.json.predictions.flatMap((p: number, i: number) => (p === 1 ? [i] : [])), [50]);
  });
}
