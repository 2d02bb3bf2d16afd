import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayStore } from '@outpost/storage';
import { createIngestor } from '@outpost/ingest';
import { tempDir, waitFor } from '@outpost/testing';
import { createModbusSource, parseModbusConfig } from '@outpost/connectors/modbus/index';
import { createSimulator } from './simulator.js';
import { DEFAULT_DEVICES } from './options.js';

test('the gateway Modbus connector polls the simulator: exported map, scaled values and units arrive in the SQLite store; a dropped-out device yields gaps', async (t) => {
  const tmp = tempDir('outpost-sim-modbus-');
  const store = GatewayStore.open({ path: `${tmp.dir}/gateway.db` });
  const ingestor = createIngestor({ store });
  // An hour between samples: the register image stays as the first step left it, so the stored
  // values must equal the simulator's own sample exactly.
  const sim = createSimulator({
    seed: 11,
    intervalMs: 3_600_000,
    modbus: { port: 0 },
    devices: [...DEFAULT_DEVICES.map((d) => ({ id: d.id, kind: d.kind })), { id: 'pump-2', kind: 'pump', faults: [{ kind: 'dropout', startMs: 0, durationMs: 3_600_000 }] }],
  });
  await sim.start();
  const map = sim.registerMap({ pollIntervalMs: 50 });
  const source = createModbusSource({ config: map, ingestor, random: () => 0.5 });
  t.after(async () => { await source.stop(); await sim.stop(); await ingestor.close(); store.close(); tmp.cleanup(); });
  await source.start();

  const config = parseModbusConfig(map);
  await waitFor(() => config.devices.every((d) => d.registers.every((r) => store.queryPoints({ device: d.device, metric: r.metric, limit: 1 }).length > 0)), { what: 'a point for every mapped metric', timeoutMs: 8000 });

  for (const d of config.devices) {
    const sample = sim.latest(d.device)!;
    for (const r of d.registers) {
      const [p] = store.queryPoints({ device: d.device, metric: r.metric, order: 'desc', limit: 1 });
      if (sample.dropout) {
        assert.deepEqual({ value: p!.value, quality: p!.quality }, { value: null, quality: 'bad' }, `${d.device}/${r.metric}`);
        continue;
      }
      assert.equal(p!.value, sample.values[r.metric], `${d.device}/${r.metric}`);
      assert.equal(p!.unit, r.unit, `${d.device}/${r.metric} unit`);
      assert.equal(p!.quality ?? 'good', 'good');
    }
  }
  // Spot checks that scale and word order really went through the wire.
  const meter = sim.latest('meter-1')!.values;
  assert.ok((meter.energy_total as number) > 10_000 && Number.isInteger(Math.round((meter.energy_total as number) * 100)));
  assert.equal(config.devices.find((d) => d.device === 'meter-1')!.registers.find((r) => r.metric === 'energy_total')!.wordOrder, 'little');
  assert.equal(source.status().state, 'degraded', 'pump-2 is dropped out');
  assert.match(source.status().error ?? '', /^pump-2: .*exception/i);
  assert.ok(sim.rates().modbus!.valuesServed > 0);
});
