/**
 * The simulator: device models + fault injection, sampled every `intervalMs`, published over MQTT
 * as metrics objects and served over Modbus TCP from a register image. `step(t)` is synchronous
 * and deterministic (seeded per device), so tests drive simulated time without timers.
 */
import { encodeRegisters, removeScale, type ModbusConfigInput } from '@outpost/connectors/modbus/index';
import { createRng, type Rng } from './prng.js';
import { FaultInjector, type FaultEvent, type FaultKind } from './faults.js';
import type { DeviceKind, DeviceModel, MetricDef, MetricValue } from './devices/index.js';
import { OutpostError } from '@outpost/contract';
import { DEFAULT_DEVICES, SEED_TOPIC, optionProblems, resolveDevices, type ResolvedDevice, type SimulatorOptions } from './options.js';
import { emptyImage, startModbusServer, type RegisterImage, type SimModbusServer } from './modbus-server.js';
import { gatewayModbusConfig, layoutRegisters, registerMapMarkdown, type GatewayMapOptions, type MappedRegister } from './register-map.js';
import { connectPublisher, type Publisher } from './mqtt-publisher.js';
import { RateCounter } from './rates.js';

export interface Sample {
  device: string;
  ts: number;
  values: Record<string, MetricValue>;
  /** True while the device is in a drop-out: nothing is published or served. */
  dropout: boolean;
  faults: FaultKind[];
}

export interface SimulatorRates {
  samples: number;
  mqtt: { messages: number; perSec: number; errors: number; connected: boolean } | undefined;
  modbus: { valuesServed: number; perSec: number; host: string; port: number } | undefined;
}

export interface Simulator {
  readonly devices: ReadonlyArray<{ id: string; kind: DeviceKind; unitId: number }>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Advance every device to `t` (default: now) and return the samples. */
  step(t?: number): Sample[];
  latest(device: string): Sample | undefined;
  /** Where Modbus is served, once started with `modbus`. */
  modbusAddress(): { host: string; port: number } | undefined;
  /** The register map in the gateway's Modbus config format (host/port default to the running server). */
  registerMap(opts?: Partial<GatewayMapOptions>): ModbusConfigInput;
  registerMapMarkdown(): string;
  rates(): SimulatorRates;
  /** Every fault occurrence so far (ground truth for detectors). */
  faultLog(): FaultEvent[];
}

interface Runtime {
  resolved: ResolvedDevice;
  rng: Rng;
  faults: FaultInjector;
  image: RegisterImage;
  layout: MappedRegister[];
  lastT?: number;
  last?: Sample;
}

/** Round to what the register map can carry, so MQTT and Modbus report the same numbers. */
function quantize(v: MetricValue, def: MetricDef): MetricValue {
  if (typeof v === 'boolean') return v;
  if (def.modbus.type === 'float32') return Number(Math.fround(v).toPrecision(6));
  const scale = def.modbus.scale ?? 1;
  const offset = def.modbus.offset ?? 0;
  return Number((Math.round((v - offset) / scale) * scale + offset).toPrecision(12));
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const problems = optionProblems(options);
  if (problems.length) throw new OutpostError('ERR_CONFIG_INVALID', `simulator: invalid options:\n${problems.map((x) => `  - ${x}`).join('\n')}`, { problems });
  const seed = String(options.seed ?? 1);
  const site = options.site ?? 'plant-1';
  const intervalMs = options.intervalMs ?? 1000;
  const now = options.now ?? Date.now;
  const topics = options.mqtt?.topics ?? [SEED_TOPIC];
  const runtimes: Runtime[] = resolveDevices(options.devices ?? DEFAULT_DEVICES).map((resolved) => ({
    resolved,
    rng: createRng(`${seed}:${resolved.spec.id}`),
    // A separate stream, so adding a fault does not change the device's underlying values.
    faults: new FaultInjector(resolved.spec.id, resolved.model, resolved.spec.faults ?? [], createRng(`${seed}:${resolved.spec.id}:faults`)),
    image: emptyImage(),
    layout: layoutRegisters(resolved.model.metrics),
  }));
  const images = new Map(runtimes.map((r) => [r.resolved.unitId, r.image]));
  const mqttRate = new RateCounter(now);
  const modbusRate = new RateCounter(now);
  let mqttErrors = 0;
  let samples = 0;
  let server: SimModbusServer | undefined;
  let publisher: Publisher | undefined;
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();

  function stepDevice(rt: Runtime, t: number): Sample {
    const dt = rt.lastT === undefined ? 0 : Math.max(0, t - rt.lastT);
    rt.lastT = t;
    const model: DeviceModel = rt.resolved.model;
    const { physical, dropout } = rt.faults.begin(t, dt);
    const raw = rt.faults.apply(t, model.step(t, dt, physical, rt.rng));
    const values: Record<string, MetricValue> = {};
    for (const def of model.metrics) values[def.name] = quantize(raw[def.name]!, def);
    writeImage(rt, values, dropout);
    const sample: Sample = { device: rt.resolved.spec.id, ts: t, values, dropout, faults: rt.faults.activeKinds() };
    rt.last = sample;
    samples++;
    return sample;
  }

  function writeImage(rt: Runtime, values: Record<string, MetricValue>, dropout: boolean): void {
    rt.image.online = !dropout;
    for (const r of rt.layout) {
      const v = values[r.metric]!;
      if (r.function === 'coil') rt.image.coils.set(r.address, Boolean(v));
      else if (r.function === 'discrete') rt.image.discrete.set(r.address, Boolean(v));
      else encodeRegisters(removeScale(Number(v), r.scale, r.offset), r.type, r.byteOrder, r.wordOrder).forEach((w, i) => rt.image.holding.set(r.address + i, w));
    }
  }

  function publish(batch: Sample[]): void {
    const pub = publisher;
    if (!pub) return;
    for (const s of batch) {
      if (s.dropout) continue;
      const payload = JSON.stringify({ ts: s.ts, ...s.values });
      for (const template of topics) {
        const topic = template.replaceAll('{site}', site).replaceAll('{asset}', s.device).replaceAll('{device}', s.device);
        const p = pub.publish(topic, payload).then(() => mqttRate.add(), () => { mqttErrors++; });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    }
  }

  const sim: Simulator = {
    devices: runtimes.map((r) => ({ id: r.resolved.spec.id, kind: r.resolved.spec.kind, unitId: r.resolved.unitId })),
    step(t = now()) {
      return runtimes.map((rt) => stepDevice(rt, t));
    },
    latest: (device) => runtimes.find((r) => r.resolved.spec.id === device)?.last,
    async start() {
      if (timer) return;
      try {
        sim.step(); // the register image is filled before the first client can connect
        if (options.modbus) server = await startModbusServer(images, options.modbus);
        if (options.mqtt) publisher = await connectPublisher(options.mqtt);
      } catch (e) {
        await sim.stop();
        throw e;
      }
      timer = setInterval(() => publish(sim.step()), intervalMs);
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await Promise.allSettled([...inFlight]);
      await publisher?.close();
      await server?.close();
      publisher = undefined;
      server = undefined;
    },
    modbusAddress: () => (server ? { host: server.host, port: server.port } : undefined),
    registerMap(opts = {}) {
      const host = opts.host ?? server?.host;
      const port = opts.port ?? server?.port;
      if (host === undefined || port === undefined) throw new Error('simulator: registerMap() needs host and port, or a started Modbus server');
      return gatewayModbusConfig(runtimes.map((r) => r.resolved), { ...opts, host, port });
    },
    registerMapMarkdown: () => registerMapMarkdown(runtimes.map((r) => r.resolved)),
    rates() {
      if (server) modbusRate.add(server.valuesServed() - modbusRate.count);
      return {
        samples,
        mqtt: options.mqtt ? { messages: mqttRate.count, perSec: mqttRate.rate(), errors: mqttErrors, connected: publisher?.connected() ?? false } : undefined,
        modbus: server ? { valuesServed: modbusRate.count, perSec: modbusRate.rate(), host: server.host, port: server.port } : undefined,
      };
    },
    faultLog: () => runtimes.flatMap((r) => r.faults.events.map((e) => ({ ...e }))),
  };
  return sim;
}
