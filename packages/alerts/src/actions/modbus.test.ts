import { test } from 'node:test';
import assert from 'node:assert/strict';
import ModbusSerial from 'modbus-serial';
import { freePort, waitFor } from '@outpost/testing';
import { AlertEngine } from '../engine.js';
import { openDb, pt } from '../test/support.js';

async function startServer(port: number) {
  const coils = new Map<number, boolean>();
  const regs = new Map<number, number>();
  const server = new ModbusSerial.ServerTCP({
    getCoil: (a: number) => coils.get(a) ?? false,
    getHoldingRegister: (a: number) => regs.get(a) ?? 0,
    getInputRegister: () => 0,
    setCoil: (a: number, v: boolean) => { coils.set(a, v); },
    setRegister: (a: number, v: number) => { regs.set(a, v); },
  }, { host: '127.0.0.1', port: String(port) as unknown as number, unitID: 1 });
  server.on('socketError', () => undefined);
  await new Promise<void>((resolve, reject) => { server.once('initialized', () => resolve()); server.once('serverError', reject); });
  return { coils, regs, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('modbus: relay coil on raise and off on clear; curtailment set-point to a holding register', async () => {
  const port = await freePort();
  const srv = await startServer(port);
  const { db, close } = openDb();
  const engine = new AlertEngine({
    db,
    rules: [
      { id: 'relay', kind: 'threshold', metric: 'temp', op: '>', raise: 90, clear: 80, actions: [{ type: 'modbus', host: '127.0.0.1', port, unitId: 1, coil: 3, value: true, clearValue: false }] },
      { id: 'curtail', kind: 'threshold', metric: 'temp', op: '>', raise: 95, dedupeSeconds: 0, actions: [{ type: 'modbus', host: '127.0.0.1', port, unitId: 1, register: 40, value: 500 }] },
    ],
  });
  try {
    engine.process([pt('inv', 'temp', 97, 1)]);
    await waitFor(() => srv.coils.get(3) === true && srv.regs.get(40) === 500, { what: 'coil and register written' });
    engine.process([pt('inv', 'temp', 70, 2)]);
    await waitFor(() => srv.coils.get(3) === false, { what: 'coil released on clear' });
  } finally {
    engine.stop();
    close();
    await srv.close();
  }
});

test('modbus: a target that is down is retried and logged, and never blocks other rules', async () => {
  const port = await freePort(); // nothing listens here yet
  const { db, close } = openDb();
  const engine = new AlertEngine({
    db, retry: { baseMs: 50, maxMs: 200, maxAttempts: 20 },
    rules: [
      { id: 'relay', kind: 'threshold', metric: 'temp', op: '>', raise: 90, actions: [{ type: 'modbus', host: '127.0.0.1', port, unitId: 1, coil: 1, value: true }] },
      { id: 'other', kind: 'threshold', metric: 'temp', op: '>', raise: 90, actions: [{ type: 'log' }] },
    ],
  });
  let srv: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    engine.process([pt('inv', 'temp', 97, 1)]);
    await waitFor(() => (db.prepare('SELECT COUNT(*) FROM alarm_log').pluck().get() as number) === 1, { what: 'the other rule\'s action' });
    await waitFor(() => (db.prepare('SELECT COUNT(*) FROM alert_deliveries WHERE rule = \'relay\' AND outcome = \'retry\'').pluck().get() as number) >= 2, { what: 'retries' });
    const detail = db.prepare('SELECT detail FROM alert_deliveries WHERE rule = \'relay\' LIMIT 1').pluck().get() as string;
    assert.match(detail, new RegExp(`modbus write to modbus://127.0.0.1:${port}/1/coil/1 failed`));
    srv = await startServer(port);
    await waitFor(() => srv!.coils.get(1) === true, { what: 'the write once the target is back', timeoutMs: 10_000 });
    // the server applies the write before its answer reaches the client and the log
    await waitFor(() => db.prepare('SELECT outcome FROM alert_deliveries WHERE rule = \'relay\' ORDER BY id DESC LIMIT 1').pluck().get() === 'ok', { what: 'the ok delivery row' });
  } finally {
    engine.stop();
    close();
    await srv?.close();
  }
});
