import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { waitFor } from '@outpost/testing';
import { createSimulator } from './simulator.js';

test('publishes each device as a metrics object on the seed SCADA topic (and extra templates) at the configured QoS', async (t) => {
  const broker = await Aedes.createBroker();
  const received: Array<{ topic: string; qos: number; payload: Record<string, unknown> }> = [];
  broker.on('publish', (packet, client) => {
    if (client) received.push({ topic: packet.topic, qos: packet.qos, payload: JSON.parse(packet.payload.toString()) as Record<string, unknown> });
  });
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const sim = createSimulator({
    seed: 3,
    site: 'north',
    intervalMs: 50,
    mqtt: { url: `mqtt://127.0.0.1:${port}`, qos: 1, topics: ['site/{site}/scada/{asset}/telemetry', 'outpost/v1/{device}/telemetry'] },
  });
  t.after(async () => {
    await sim.stop();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  await sim.start();
  await waitFor(() => sim.devices.every((d) => received.some((m) => m.topic === `site/north/scada/${d.id}/telemetry`)), { what: 'a message per device' });

  const inverter = received.find((m) => m.topic === 'site/north/scada/inverter-1/telemetry')!;
  assert.equal(inverter.qos, 1);
  assert.equal(typeof inverter.payload.ts, 'number');
  for (const metric of ['active_power', 'dc_voltage', 'string_current_1', 'string_current_4', 'temperature', 'irradiance']) {
    assert.equal(typeof inverter.payload[metric], 'number', metric);
  }
  assert.ok(received.some((m) => m.topic === 'outpost/v1/pump-1/telemetry' && typeof m.payload.vibration_rms === 'number'));
  await waitFor(() => sim.rates().mqtt!.messages >= 16, { what: 'acknowledged publishes' });
  const rates = sim.rates();
  assert.equal(rates.mqtt!.errors, 0);
  assert.equal(rates.mqtt!.connected, true);
});

test('an unreachable broker fails start() with a clear message and leaves nothing running', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const sim = createSimulator({ modbus: { port: 0 }, mqtt: { url: `mqtt://127.0.0.1:${port}` } });
  await assert.rejects(sim.start(), new RegExp(`cannot connect to the MQTT broker at mqtt://127\\.0\\.0\\.1:${port}`));
  assert.equal(sim.modbusAddress(), undefined, 'the Modbus server was closed again');
});
