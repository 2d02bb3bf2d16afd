import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AckOrder } from './ack-order.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

test('acks go out in arrival order even when a later commit finishes first', async () => {
  const order = new AckOrder();
  const first = deferred();
  const second = deferred();
  const acked: string[] = [];
  const a = order.after(first.promise).then(() => acked.push('first'));
  const b = order.after(second.promise).then(() => acked.push('second'));
  second.resolve();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(acked, [], 'the second waits for the first');
  first.resolve();
  await Promise.all([a, b]);
  assert.deepEqual(acked, ['first', 'second']);
  await order.idle();
});

test('a refused message is reported to its own waiter only; later ones still settle', async () => {
  const order = new AckOrder();
  const refused = order.after(Promise.reject(new Error('store is full')));
  const next = order.after(Promise.resolve());
  await assert.rejects(refused, /store is full/);
  await next;
  await order.idle();
});
