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

test('callback form: ready runs in arrival order; a settle inside a ready is handled; idle waits for the last', async () => {
  const order = new AckOrder();
  const seen: string[] = [];
  const settles = ['a', 'b', 'c'].map((name) => order.enter((err) => {
    seen.push(err ? `${name}:${err.message}` : name);
    if (name === 'a') settles[2]!(null); // c settles while a is being acknowledged
  }));
  let idle = false;
  const idlePromise = order.idle().then(() => { idle = true; });
  settles[1]!(new Error('refused'));
  assert.deepEqual(seen, [], 'b waits for a');
  settles[0]!(null);
  settles[0]!(null); // settling twice changes nothing
  assert.deepEqual(seen, ['a', 'b:refused', 'c']);
  await idlePromise;
  assert.ok(idle);
});

test('a long stream of messages keeps its order across queue compaction', () => {
  const order = new AckOrder();
  const seen: number[] = [];
  const pending: ((err: Error | null) => void)[] = [];
  for (let i = 0; i < 5000; i++) {
    pending.push(order.enter(() => seen.push(i)));
    if (i % 3 === 2) pending.splice(0).reverse().forEach((s) => s(null)); // settle each trio newest first
  }
  pending.forEach((s) => s(null));
  assert.equal(seen.length, 5000);
  assert.ok(seen.every((v, i) => v === i), 'acknowledged in arrival order');
});
