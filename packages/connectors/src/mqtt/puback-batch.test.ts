import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { parser as mqttParser } from 'mqtt-packet';
import { PubackBatch } from './puback-batch.js';

/** Captures each write as one chunk and decodes the bytes as a broker would. */
function capture() {
  const stream = new PassThrough();
  const writes: Buffer[] = [];
  const write = stream.write.bind(stream);
  stream.write = ((chunk: Buffer) => { writes.push(Buffer.from(chunk)); return write(chunk); }) as typeof stream.write;
  const decode = (protocolVersion: 4 | 5) => {
    const p = mqttParser({ protocolVersion });
    const out: { cmd: string; messageId?: number; reasonCode?: number }[] = [];
    p.on('packet', (pk) => out.push(pk as never));
    p.on('error', (e) => { throw e; });
    p.parse(Buffer.concat(writes));
    return out;
  };
  return { stream: stream as never, writes, decode };
}

test('PUBACKs released in one tick go out as one write, in order, readable as MQTT 3.1.1 and MQTT 5', async () => {
  const batch = new PubackBatch();
  const c = capture();
  const ids = [1, 2, 300, 65535, 7];
  for (const id of ids) batch.add(c.stream, id);
  assert.equal(c.writes.length, 0, 'nothing is written before the tick ends');
  await new Promise((r) => process.nextTick(r));
  assert.equal(c.writes.length, 1);
  for (const v of [4, 5] as const) {
    const packets = c.decode(v);
    assert.deepEqual(packets.map((p) => [p.cmd, p.messageId]), ids.map((id) => ['puback', id]), `protocol ${v}`);
    if (v === 5) assert.ok(packets.every((p) => (p.reasonCode ?? 0) === 0), 'MQTT 5: reason Success');
  }
});

test('a new connection flushes what the old one was owed first; a destroyed stream gets nothing', async () => {
  const batch = new PubackBatch();
  const old = capture();
  const next = capture();
  batch.add(old.stream, 10);
  batch.add(next.stream, 11);
  assert.deepEqual(old.decode(4).map((p) => p.messageId), [10], 'written when the stream changed');
  (next.stream as PassThrough).destroy();
  batch.flush();
  assert.equal(next.writes.length, 0, 'the broker redelivers on the next connection instead');
  batch.add(old.stream, 12);
  batch.flush();
  assert.deepEqual(old.decode(4).map((p) => p.messageId), [10, 12], 'flush writes at once (before a disconnect)');
  await new Promise((r) => process.nextTick(r));
  assert.equal(old.writes.length, 2, 'the scheduled flush finds nothing left');
});
