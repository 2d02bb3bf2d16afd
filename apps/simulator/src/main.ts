#!/usr/bin/env node
/**
 * Standalone simulator: `node --import tsx apps/simulator/src/main.ts --help`.
 * Exit codes: 0 stopped cleanly, 1 runtime failure (e.g. broker unreachable), 2 bad arguments or config.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isOutpostError } from '@outpost/contract';
import { createSimulator } from './simulator.js';
import { DEFAULT_DEVICES, SEED_TOPIC, type DeviceSpec, type SimulatorOptions } from './options.js';

const HELP = `outpost-simulator: simulated devices (solar inverter, energy meter, pump, GPS tracker) with
injected faults, published over MQTT and served over Modbus TCP.

Usage: node --import tsx apps/simulator/src/main.ts [options]

Options:
  --seed <n|text>          PRNG seed; same seed, same values (default 1)
  --site <name>            {site} in MQTT topics (default plant-1)
  --interval <ms>          time between samples (default 1000)
  --devices <file.json>    device list (JSON array of {id, kind, unitId?, options?, faults?});
                           default: ${DEFAULT_DEVICES.map((d) => `${d.id} (${d.kind})`).join(', ')}
  --mqtt-url <url>         publish to this broker, e.g. mqtt://127.0.0.1:1883 (default: no MQTT)
  --qos <0|1|2>            MQTT QoS (default 1)
  --topic <template>       topic template, repeatable; {site} {asset} {device} (default ${SEED_TOPIC})
  --modbus-port <port>     serve Modbus TCP on this port; 0 picks a free one (default 0)
  --modbus-host <host>     Modbus bind address (default 127.0.0.1)
  --no-modbus              do not serve Modbus TCP
  --print-register-map     print the register map in the gateway's Modbus config format (JSON) and exit
  --print-register-doc     print the register map as Markdown tables and exit
  --quiet                  no live rate line
  -h, --help               this help

Faults per device (in --devices): {kind: spike|drift|stuck|dropout|over_temperature|string_fault,
  metric?, startMs?, everyMs?, probabilityPerSec?, durationMs?, magnitude?, string?}
`;

function fail(message: string, code: number): never {
  process.stderr.write(`outpost-simulator: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        seed: { type: 'string' }, site: { type: 'string' }, interval: { type: 'string' }, devices: { type: 'string' },
        'mqtt-url': { type: 'string' }, qos: { type: 'string' }, topic: { type: 'string', multiple: true },
        'modbus-port': { type: 'string' }, 'modbus-host': { type: 'string' }, 'no-modbus': { type: 'boolean' },
        'print-register-map': { type: 'boolean' }, 'print-register-doc': { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    fail(`${(e as Error).message}\n(see --help)`, 2);
  }
  if (args.help) { process.stdout.write(HELP); return; }
  const int = (name: string, v: string | undefined, min: number, max: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer from ${min} to ${max}; got "${v}"`, 2);
    return n;
  };
  let devices: DeviceSpec[] | undefined;
  if (args.devices) {
    try { devices = JSON.parse(readFileSync(args.devices, 'utf8')) as DeviceSpec[]; } catch (e) { fail(`--devices ${args.devices}: cannot read a JSON device list: ${(e as Error).message}`, 2); }
    if (!Array.isArray(devices)) fail(`--devices ${args.devices}: expected a JSON array of devices`, 2);
  }
  const opts: SimulatorOptions = { site: args.site ?? 'plant-1' };
  if (args.seed !== undefined) opts.seed = /^\d+$/.test(args.seed) ? Number(args.seed) : args.seed;
  const interval = int('interval', args.interval, 10, 3_600_000);
  if (interval !== undefined) opts.intervalMs = interval;
  if (devices) opts.devices = devices;
  if (args['mqtt-url']) {
    const qos = int('qos', args.qos, 0, 2) as 0 | 1 | 2 | undefined;
    opts.mqtt = { url: args['mqtt-url'], qos: qos ?? 1, ...(args.topic ? { topics: args.topic } : {}) };
  }
  if (!args['no-modbus']) opts.modbus = { host: args['modbus-host'] ?? '127.0.0.1', port: int('modbus-port', args['modbus-port'], 0, 65535) ?? 0 };

  let sim;
  try { sim = createSimulator(opts); } catch (e) { fail(isOutpostError(e) ? e.message : String(e), 2); }
  if (args['print-register-doc']) { process.stdout.write(`${sim.registerMapMarkdown()}\n`); return; }
  if (args['print-register-map'] && opts.modbus?.port) {
    process.stdout.write(`${JSON.stringify(sim.registerMap({ host: opts.modbus.host!, port: opts.modbus.port }), null, 2)}\n`);
    return;
  }
  try { await sim.start(); } catch (e) { fail((e as Error).message, 1); }
  if (args['print-register-map']) {
    process.stdout.write(`${JSON.stringify(sim.registerMap(), null, 2)}\n`);
    await sim.stop();
    return;
  }
  const mb = sim.modbusAddress();
  process.stdout.write(`simulating ${sim.devices.map((d) => `${d.id} (${d.kind}, unit ${d.unitId})`).join(', ')}\n`);
  if (opts.mqtt) process.stdout.write(`  MQTT    ${opts.mqtt.url}  QoS ${opts.mqtt.qos}  topics ${(opts.mqtt.topics ?? [SEED_TOPIC]).join(', ')}\n`);
  if (mb) process.stdout.write(`  Modbus  tcp://${mb.host}:${mb.port}  (--print-register-map for the gateway config)\n`);
  const ticker = args.quiet ? undefined : setInterval(() => {
    const r = sim.rates();
    const parts = [`samples ${r.samples}`];
    if (r.mqtt) parts.push(`mqtt ${r.mqtt.perSec.toFixed(1)} msg/s (${r.mqtt.messages} sent, ${r.mqtt.errors} failed${r.mqtt.connected ? '' : ', disconnected'})`);
    if (r.modbus) parts.push(`modbus ${r.modbus.perSec.toFixed(1)} values/s`);
    process.stdout.write(`\r${parts.join(' | ')}   `);
  }, 2000);
  const shutdown = async () => {
    clearInterval(ticker);
    await sim.stop();
    process.stdout.write('\nstopped\n');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

void main();
