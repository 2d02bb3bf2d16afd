import { test } from 'node:test';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import type { ConnectorStatus } from '@outpost/contract';
import { createModbusSource } from './source.js';
import { encodeRegisters } from './codec.js';
import { modbusException, openStore, startServer } from './test-support.js';

const SLAVE_DEVICE_FAILURE = 4;
const backoff = { minMs: 20, maxMs: 200, factor: 2, jitter: 0.5 };

test('Modbus exceptions and NaN readings become gap points (null, quality bad) for the affected metrics only; polling goes on', async (t) => {
  const holding = new Map<number, number>([[0, 215], ...encodeRegisters(12.5, 'float32').map((w, i): [number, number] => [1 + i, w]), [3, 1500], [5, 0x7fc0], [6, 0]]);
  const server = await startServer({
    getHoldingRegister: (addr: number) => {
      const v = holding.get(addr);
      if (v === undefined) throw modbusException(2); // illegal data address
      return v;
    },
    getInputRegister: () => { throw modbusException(SLAVE_DEVICE_FAILURE); },
    getCoil: () => true,
  });
  const db = openStore();
  const statuses: ConnectorStatus[] = [];
  const source = createModbusSource({
    random: () => 0.5, // fixed jitter: tests use no Math.random
    ingestor: db.ingestor,
    onStatus: (s) => statuses.push(s),
    config: {
      backoff,
      devices: [{
        device: 'press-1', host: '127.0.0.1', port: server.port, unitId: 3, pollIntervalMs: 30, timeoutMs: 500,
        registers: [
          { metric: 'temperature', address: 0, function: 'holding', type: 'int16', scale: 0.1, unit: 'degC' },
          { metric: 'power', address: 1, function: 'holding', type: 'float32', unit: 'kW' },
          { metric: 'speed', address: 3, function: 'holding', type: 'uint16', scale: 1, offset: -1000, unit: 'rpm' },
          { metric: 'missing', address: 4, function: 'holding', type: 'uint16' },
          { metric: 'flow', address: 5, function: 'holding', type: 'float32', unit: 'm3/h' }, // the device sends NaN
          { metric: 'sensor', address: 7, function: 'input', type: 'uint16', unit: 'bar' },
          { metric: 'running', address: 0, function: 'coil', type: 'bool' },
        ],
      }],
    },
  });
  t.after(async () => { await source.stop(); await server.close(); await db.close(); });
  await source.start();
  await waitFor(() => (source.stats()['press-1']?.polls ?? 0) >= 5, { what: 'five polls' });

  const latest = (metric: string) => db.store.queryPoints({ device: 'press-1', metric, order: 'desc', limit: 1 })[0];
  assert.deepEqual(pick(latest('temperature')), { value: 21.5, unit: 'degC', quality: 'good' });
  assert.deepEqual(pick(latest('power')), { value: 12.5, unit: 'kW', quality: 'good' });
  assert.deepEqual(pick(latest('speed')), { value: 500, unit: 'rpm', quality: 'good' });
  assert.deepEqual(pick(latest('running')), { value: true, unit: undefined, quality: 'good' });
  assert.deepEqual(pick(latest('missing')), { value: null, unit: undefined, quality: 'bad' });
  assert.deepEqual(pick(latest('sensor')), { value: null, unit: 'bar', quality: 'bad' });
  assert.deepEqual(pick(latest('flow')), { value: null, unit: 'm3/h', quality: 'bad' });

  const stats = source.stats()['press-1']!;
  assert.equal(stats.connected, true, 'exceptions do not drop the connection');
  assert.equal(stats.connects, 1);
  // The coalesced holding read hit an illegal address, so it was split: 5 holding + 1 input + 1 coil.
  assert.equal(stats.requestsPerPoll, 7);
  const status = source.status();
  assert.equal(status.state, 'degraded');
  assert.match(status.error ?? '', /^press-1: read (holding|input) \d+\+1 failed: .*exception/i);
  assert.ok(statuses.some((s) => s.state === 'connecting'));
  const before = stats.polls;
  await waitFor(() => source.stats()['press-1']!.polls > before + 3, { what: 'polling to go on' });
});

test('a server that goes away: gaps while down, reconnects with backoff, polling resumes when it is back', async (t) => {
  const vector = { getHoldingRegister: (addr: number) => (addr === 0 ? 4242 : 0) };
  let server = await startServer(vector);
  const port = server.port;
  const db = openStore();
  const source = createModbusSource({
    random: () => 0.5, // fixed jitter: tests use no Math.random
    ingestor: db.ingestor,
    config: { backoff, devices: [{ device: 'meter-9', host: '127.0.0.1', port, pollIntervalMs: 25, timeoutMs: 300, registers: [{ metric: 'level', address: 0, function: 'holding', type: 'uint16', scale: 0.01, unit: 'm' }] }] },
  });
  t.after(async () => { await source.stop(); await server.close(); await db.close(); });
  await source.start();
  assert.equal(source.status().state, 'running', 'connected and not yet polled is not degraded');
  const good = () => db.store.queryPoints({ device: 'meter-9', metric: 'level', limit: 100_000 }).filter((p) => p.quality === undefined || p.quality === 'good');
  await waitFor(() => good().length >= 3, { what: 'first readings' });
  assert.equal(good()[0]!.value, 42.42);

  await server.close();
  const down = Date.now();
  await waitFor(() => source.stats()['meter-9']!.connectFailures >= 3, { what: 'repeated reconnect attempts', timeoutMs: 10_000 });
  const s = source.stats()['meter-9']!;
  assert.equal(s.connected, false);
  assert.ok(s.nextReconnectMs !== undefined && s.nextReconnectMs <= backoff.maxMs, `next reconnect in ${s.nextReconnectMs} ms`);
  assert.equal(source.status().state, 'degraded');
  assert.match(source.status().error ?? '', /meter-9: (connect to 127\.0\.0\.1:\d+ failed|connection to .* closed)/);
  await waitFor(() => db.store.queryPoints({ device: 'meter-9', metric: 'level', from: down, limit: 100_000 }).some((p) => p.value === null && p.quality === 'bad'), { what: 'gap points while the server is down' });

  server = await startServer(vector, port);
  const back = Date.now();
  await waitFor(() => source.status().state === 'running', { what: 'running again', timeoutMs: 10_000 });
  await waitFor(() => good().some((p) => p.ts >= back && p.value === 42.42), { what: 'readings after the server came back' });
  assert.equal(source.stats()['meter-9']!.connects, 2);
});

test('an unreachable device at start does not fail start(): the source is degraded and keeps trying', async (t) => {
  const probe = await startServer({ getHoldingRegister: () => 0 });
  const port = probe.port;
  await probe.close(); // nothing listens there now
  const db = openStore();
  const source = createModbusSource({ ingestor: db.ingestor, random: () => 0.5, config: { backoff, devices: [{ device: 'ghost', host: '127.0.0.1', port, pollIntervalMs: 20, registers: [{ metric: 'x', address: 0, function: 'holding', type: 'uint16' }] }] } });
  t.after(async () => { await source.stop(); await db.close(); });
  await source.start();
  assert.equal(source.status().state, 'degraded');
  await waitFor(() => db.store.queryPoints({ device: 'ghost', metric: 'x' }).length >= 2, { what: 'gap points' });
  assert.ok(db.store.queryPoints({ device: 'ghost', metric: 'x' }).every((p) => p.value === null && p.quality === 'bad'));
  await source.stop();
  assert.equal(source.status().state, 'stopped');
});

test('a device that accepts connections but never answers: reads time out into gaps, the connection is renewed', async (t) => {
  const sockets = new Set<Socket>();
  const mute = createServer((s) => { sockets.add(s); s.on('error', () => undefined); }); // reads requests, answers nothing
  await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
  const db = openStore();
  const source = createModbusSource({ ingestor: db.ingestor, random: () => 0.5, config: { backoff, devices: [{ device: 'mute', host: '127.0.0.1', port: (mute.address() as AddressInfo).port, pollIntervalMs: 20, timeoutMs: 50, registers: [{ metric: 'x', address: 0, function: 'holding', type: 'uint16' }] }] } });
  t.after(async () => {
    await source.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => mute.close(() => resolve()));
    await db.close();
  });
  await source.start();
  await waitFor(() => source.stats().mute!.connects >= 2, { what: 'a renewed connection after a timeout' });
  assert.match(source.stats().mute!.lastError ?? '', /timed out/i);
  await waitFor(() => db.store.queryPoints({ device: 'mute', metric: 'x' }).length >= 1, { what: 'a gap point' });
  assert.ok(db.store.queryPoints({ device: 'mute', metric: 'x' }).every((p) => p.value === null && p.quality === 'bad'));
});

test('when the store refuses the readings the poller counts the loss, reports it and keeps polling', async (t) => {
  const server = await startServer({ getHoldingRegister: () => 7 });
  const db = openStore();
  const source = createModbusSource({ ingestor: db.ingestor, random: () => 0.5, config: { backoff, devices: [{ device: 'd', host: '127.0.0.1', port: server.port, pollIntervalMs: 20, registers: [{ metric: 'x', address: 0, function: 'holding', type: 'uint16' }] }] } });
  t.after(async () => { await source.stop(); await server.close(); await db.close(); });
  await source.start();
  await waitFor(() => db.store.queryPoints({ device: 'd', metric: 'x' }).length >= 1, { what: 'a stored reading' });
  await db.ingestor.close(); // from now on ingest rejects with ERR_STORE_CLOSED
  await waitFor(() => source.stats().d!.ingestErrors >= 2, { what: 'refusals counted' });
  assert.match(source.stats().d!.lastError ?? '', /store refused 1 point\(s\): .*shutting down/);
  assert.equal(source.status().state, 'degraded');
  assert.match(source.status().error ?? '', /^d: store refused/);
  const polls = source.stats().d!.polls;
  await waitFor(() => source.stats().d!.polls > polls + 2, { what: 'polling to go on' });
});

function pick(p: { value: unknown; unit?: string; quality?: string } | undefined) {
  assert.ok(p, 'no point stored');
  return { value: p.value, unit: p.unit, quality: p.quality ?? 'good' };
}
