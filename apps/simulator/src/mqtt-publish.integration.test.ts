import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsync } from 'mqtt';
import { requireService, waitFor } from '@outpost/testing';
import { createSimulator } from './simulator.js';

test('publishes to the Mosquitto on this machine (127.0.0.1:1883) at QoS 1', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const site = `sim-test-${process.pid}-${Date.now()}`;
  const sub = await connectAsync('mqtt://127.0.0.1:1883');
  const got: Array<{ topic: string; qos: number; body: Record<string, unknown> }> = [];
  sub.on('message', (topic, payload, packet) => got.push({ topic, qos: packet.qos, body: JSON.parse(payload.toString()) as Record<string, unknown> }));
  await sub.subscribeAsync(`site/${site}/scada/+/telemetry`, { qos: 1 });
  const sim = createSimulator({ seed: 9, site, intervalMs: 50, devices: [{ id: 'meter-7', kind: 'energy_meter' }], mqtt: { url: 'mqtt://127.0.0.1:1883', qos: 1 } });
  t.after(async () => { await sim.stop(); await sub.endAsync(); });
  await sim.start();
  await waitFor(() => got.length >= 3, { what: 'three messages through Mosquitto' });
  assert.equal(got[0]!.topic, `site/${site}/scada/meter-7/telemetry`);
  assert.equal(got[0]!.qos, 1);
  const energies = got.map((m) => m.body.energy_total as number);
  assert.ok(energies.every((e, i) => i === 0 || e >= energies[i - 1]!), 'the energy counter never decreases');
});
