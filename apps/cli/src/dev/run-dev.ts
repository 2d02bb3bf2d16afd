import type { OutpostConfig, ModbusDeviceConfig } from '@outpost/config';
import type { CliIo } from '../io.js';
import { createLogger } from '../logger.js';
import { loadHub, loadSimulator, loadStartGateway, type GatewayHandle } from '../services.js';
import { portOf, startOnFreePort } from './fallback.js';
import { startRateDisplay } from './rate-line.js';

type SimulatorModule = Awaited<ReturnType<typeof loadSimulator>>;
type Simulator = ReturnType<SimulatorModule['createSimulator']>;
type SimulatorOptions = NonNullable<Parameters<SimulatorModule['createSimulator']>[0]>;

interface Running {
  name: string;
  stop(): Promise<void>;
}

/**
 * `outpost dev`: hub, gateway (embedded broker) and simulator in one process. The simulator
 * runs as two instances from the same seed: the Modbus one starts first so the gateway's first
 * poll finds its server, the MQTT one after the gateway's broker is up. Same seed and clock give
 * both the same values.
 */
export async function runDev(config: OutpostConfig, source: string, io: CliIo): Promise<void> {
  const free = config.dev.freePorts;
  const running: Running[] = [];
  const notes: string[] = [];
  const taken = (what: string, port: number | undefined, actual: number | undefined) => {
    if (port !== undefined && port !== 0 && actual !== undefined && actual !== port) notes.push(`${what}: port ${port} was taken, using ${actual}`);
  };
  let rateDisplay: { stop(): void } | undefined;
  try {
    const { startHub } = await loadHub();
    const hub = await startOnFreePort(config.hub.port, free, (port) =>
      startHub({ ...config.hub, port }, { logger: createLogger(config.hub.log.level, 'hub') }));
    running.push({ name: 'hub', stop: () => hub.value.stop() });
    taken('hub', hub.takenPort, hub.value.address.port);

    const sim = config.simulator;
    const simBase: SimulatorOptions = {
      seed: sim.seed,
      site: sim.site,
      intervalMs: sim.intervalMs,
      ...(sim.devices ? { devices: sim.devices as unknown as NonNullable<SimulatorOptions['devices']> } : {}),
    };
    const simulator = config.dev.simulator ? await loadSimulator() : undefined;

    let modbusSim: Simulator | undefined;
    let polled: ModbusDeviceConfig[] = [];
    if (simulator && sim.modbus.enabled) {
      const bound = await startOnFreePort(sim.modbus.port, free, async (port) => {
        const s = simulator.createSimulator({ ...simBase, modbus: { host: sim.modbus.host, port } });
        await s.start();
        return s;
      });
      modbusSim = bound.value;
      running.push({ name: 'simulator (modbus)', stop: () => bound.value.stop() });
      taken('simulator modbus', bound.takenPort, modbusSim.modbusAddress()?.port);
      const map = modbusSim.registerMap({ deviceIdPrefix: sim.modbus.devicePrefix, pollIntervalMs: sim.intervalMs });
      polled = map.devices as ModbusDeviceConfig[];
    }

    const startGateway = await loadStartGateway();
    const gatewayConfig = { ...config.gateway, modbus: { ...config.gateway.modbus, devices: [...(config.gateway.modbus.devices ?? []), ...polled] } };
    const gw: GatewayHandle = await startGateway(gatewayConfig, {
      logger: createLogger(config.gateway.log.level, 'gateway'),
      fallbackToFreePorts: free,
    });
    running.push({ name: 'gateway', stop: () => gw.stop() });
    taken('gateway http', config.gateway.http.port, portOf(gw.addresses.http));
    if (config.gateway.mqtt.mode === 'embedded') taken('gateway mqtt', config.gateway.mqtt.port, portOf(gw.addresses.mqtt));

    let mqttSim: Simulator | undefined;
    const publishUrl = sim.mqtt.url ?? gw.addresses.mqtt;
    if (simulator && sim.mqtt.enabled && publishUrl) {
      const g = config.gateway.mqtt;
      mqttSim = simulator.createSimulator({
        ...simBase,
        mqtt: {
          url: publishUrl,
          qos: sim.mqtt.qos as 0 | 1 | 2,
          ...(sim.mqtt.topics ? { topics: sim.mqtt.topics } : {}),
          ...(g.username !== undefined && sim.mqtt.url === undefined ? { username: g.username, password: g.password ?? '' } : {}),
        },
      });
      await mqttSim.start();
      running.push({ name: 'simulator (mqtt)', stop: () => mqttSim!.stop() });
    }

    io.out(banner({ config, source, hubUrl: hub.value.url, gw, modbusSim, mqttSim, publishUrl, notes }));
    rateDisplay = startRateDisplay({ stats: () => gw.stats(), intervalMs: config.dev.statusIntervalMs, isTTY: io.isTTY, write: io.out });
    const signal = await io.untilStopped();
    rateDisplay.stop();
    rateDisplay = undefined;
    io.out(`${signal}: stopping…\n`);
  } finally {
    rateDisplay?.stop();
    for (const r of running.reverse()) {
      await r.stop().catch((e: unknown) => io.err(`stopping ${r.name} failed: ${(e as Error).message}\n`));
    }
  }
  io.out('stopped\n');
}

function banner(b: {
  config: OutpostConfig; source: string; hubUrl: string; gw: GatewayHandle;
  modbusSim: Simulator | undefined; mqttSim: Simulator | undefined; publishUrl: string | undefined; notes: string[];
}): string {
  const { config, gw } = b;
  const row = (name: string, value: string) => `  ${name.padEnd(10)} ${value}\n`;
  const modbus = b.modbusSim?.modbusAddress();
  const devices = (b.mqttSim ?? b.modbusSim)?.devices.map((d) => d.id) ?? [];
  let out = `Outpost dev — hub, gateway and simulator in one process (config: ${b.source}). Ctrl-C stops.\n`;
  out += row('hub', b.hubUrl);
  out += row('gateway', `${gw.addresses.http}  (POST/GET /v1/points)`);
  for (const [name, url] of Object.entries(gw.addresses)) if (name !== 'http' && url) out += row(name, url);
  if (modbus) out += row('modbus', `modbus-tcp://${modbus.host}:${modbus.port}  (simulator; polled as ${config.simulator.modbus.devicePrefix}<device>)`);
  if (devices.length > 0) out += row('simulator', `${devices.join(', ')}${b.mqttSim ? ` → ${b.publishUrl}` : ''}, every ${config.simulator.intervalMs} ms`);
  out += row('data', `gateway ${config.gateway.store.path} · hub ${config.hub.dataDir}`);
  for (const n of b.notes) out += row('note', n);
  const first = devices[0];
  out += row('try', `outpost gateway query --url ${gw.addresses.http}${first ? ` --device ${first}` : ''} --from -1m --limit 10`);
  return out;
}
