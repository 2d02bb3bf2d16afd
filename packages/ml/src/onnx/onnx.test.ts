import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError } from '@outpost/contract';
import { makeArtifact } from '../artifact.js';
import { buildMlp, buildReshape } from './build.js';
import { resolveFormat, sniffFormat } from './formats.js';
import { readOutpostMeta, withOutpostMeta } from './proto.js';
import { OnnxModel } from './session.js';
import { validateOnnx } from './validate.js';

const code = (c: string) => (e: unknown) => isOutpostError(e) && e.code === c;
const mlp = buildMlp({ inputs: 4, hidden: [8], outputs: 3 });

test('an ONNX upload validates: schema read from the graph, test inference succeeds', async () => {
  const v = await validateOnnx(mlp, { inputs: [{ name: 'x', type: 'float32', shape: ['N', 4] }] });
  assert.deepEqual(v.schema, {
    inputs: [{ name: 'x', type: 'float32', shape: ['N', 4] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['N', 3] }],
  });
  assert.ok(v.testLatencyMs >= 0);
});

test('a declared schema that lies about the graph is refused, naming each difference', async () => {
  await assert.rejects(validateOnnx(mlp, { inputs: [{ name: 'x', type: 'float64', shape: ['N', 5] }], outputs: [{ name: 'score' }] }), (e: unknown) => {
    assert.ok(code('ERR_MODEL_SCHEMA_MISMATCH')(e));
    const m = (e as Error).message;
    assert.match(m, /"x" declared float64, the graph says float32/);
    assert.match(m, /"x" declared shape \[N, 5\], the graph says \[N, 4\]/);
    assert.match(m, /"score" is not in the graph \(it has y\)/);
    return true;
  });
});

test('a corrupt ONNX file (truncated) is refused with the runtime\'s reason', async () => {
  const cut = mlp.subarray(0, Math.floor(mlp.length * 0.6));
  await assert.rejects(validateOnnx(cut, undefined), (e: unknown) => code('ERR_MODEL_INVALID')(e) && /cannot be loaded by onnxruntime/.test((e as Error).message));
});

test('a model that loads but fails on a generated input fails the test inference', async () => {
  await assert.rejects(validateOnnx(buildReshape(4, [3]), undefined), (e: unknown) => code('ERR_MODEL_TEST_FAILED')(e) && /test inference on a generated input \(batch 1\) failed/.test((e as Error).message));
});

test('formats: ONNX, detector artifacts, pickles, TFLite and SavedModels are told apart by their bytes', () => {
  assert.equal(sniffFormat(mlp), 'onnx');
  assert.equal(sniffFormat(Buffer.from(JSON.stringify(makeArtifact({ kind: 'zscore' })))), 'outpost-detector');
  // A pickle whose payload would run a shell command if it were ever unpickled.
  const evil = Buffer.from("cos\nsystem\n(S'touch /tmp/outpost-pwned'\ntR.");
  assert.equal(sniffFormat(evil, 'model.pkl'), 'sklearn-pickle');
  assert.equal(sniffFormat(Buffer.from([0x80, 0x04, 0x95, 0x00, 0x2e]), 'weights.pt'), 'pytorch');
  const tfl = Buffer.alloc(32); tfl.write('TFL3', 4, 'latin1');
  assert.equal(sniffFormat(tfl), 'tflite');
  const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('....model/saved_model.pb....')]);
  assert.equal(sniffFormat(zip), 'tensorflow-savedmodel');
});

test('a file that is not a model, or contradicts its declared format, is refused', () => {
  assert.throws(() => resolveFormat(Buffer.from('hello, this is a CSV file\n1,2,3\n'), undefined, 'data.csv'), (e: unknown) => code('ERR_MODEL_INVALID')(e) && /data\.csv \(\d+ bytes\) is not a model/.test((e as Error).message));
  assert.throws(() => resolveFormat(mlp, 'tflite'), /declared as tflite looks like onnx/);
  assert.throws(() => resolveFormat(mlp, 'keras'), /format "keras" is not supported/);
  assert.equal(resolveFormat(Buffer.from([0x80, 0x04, 0x2e]), 'pytorch', 'm.bin'), 'pytorch');
});

test('inputs with the wrong shape or type are refused before the runtime sees them', async () => {
  const m = await OnnxModel.load(mlp);
  try {
    const ok = await m.run([[1, 2, 3, 4], [0, 0, 0, 0]]);
    assert.equal(ok.length, 2);
    assert.equal(ok[0]!.outputs.y!.length, 3);
    assert.ok(ok.every((r) => r.score > 0 && r.score < 1 && Number.isInteger(r.prediction)));
    await assert.rejects(m.run([[1, 2, 3, 4], [1, 2, 3]]), (e: unknown) => code('ERR_INFERENCE_INPUT')(e) && /input 1: x has 3 values; the model expects 4/.test((e as Error).message));
    await assert.rejects(m.run([[1, 2, 'x' as unknown as number, 4]]), /input 0: x\[2\] is "x"; expected a finite number \(float32\)/);
    await assert.rejects(m.run([{ z: [1, 2, 3, 4] }]), /input 0 has no array for input "x" \(has z\)/);
  } finally { await m.release(); }
});

test('flat batches in typed arrays answer like rows; a non-finite value is named by its index', async () => {
  const m = await OnnxModel.load(mlp);
  try {
    const rows = [[1, 2, 3, 4], [0.5, -1, 0, 2]];
    const want = (await m.run(rows)).map((r) => r.score);
    for (const flat of [Float32Array.from(rows.flat()), Float64Array.from(rows.flat()), rows.flat(), Float32Array.from([...rows.flat(), 9, 9]).subarray(0, 8)]) {
      assert.deepEqual((await m.run({ flat, rows: 2, width: 4 })).map((r) => r.score), want);
    }
    for (const make of [Float32Array, Float64Array]) {
      const flat = make.from(rows.flat());
      flat[5] = Number.NaN;
      await assert.rejects(m.run({ flat, rows: 2, width: 4 }), (e: unknown) => code('ERR_INFERENCE_INPUT')(e) && /inputs\[5\] \(row 1\) is null; expected a finite number \(float32\)/.test((e as Error).message));
    }
  } finally { await m.release(); }
});

test('pipeline metadata embedded in metadata_props travels with the file; the model still loads and answers the same', async () => {
  const meta = { features: ['rms', 'temp', 'rpm', 'load'], reference: { features: [{ edges: [0], p: [0.5, 0.5] }] } };
  const tagged = withOutpostMeta(mlp, meta);
  assert.deepEqual(readOutpostMeta(tagged), meta);
  assert.equal(readOutpostMeta(mlp), undefined);
  assert.deepEqual(withOutpostMeta(mlp, meta), tagged, 'deterministic');
  const [a, b] = [await OnnxModel.load(mlp), await OnnxModel.load(tagged)];
  try { assert.deepEqual(await b.run([[1, 2, 3, 4]]), await a.run([[1, 2, 3, 4]])); } finally { await a.release(); await b.release(); }
});
