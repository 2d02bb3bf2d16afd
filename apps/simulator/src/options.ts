/**
 * Simulator options and their validation. Problems name the device, the field, the value and
 * what was expected (ERR_CONFIG_INVALID), and all are reported at once.
 */
import { OutpostError } from '@outpost/contract';
import { DEVICE_KINDS, DEVICE_MODELS, type DeviceKind, type DeviceModel } from './devices/index.js';
import { FAULT_KINDS, type FaultSpec } from './faults.js';

export interface DeviceSpec {
  /** Device id: the `{asset}` of the MQTT topic and the device of the Modbus points. */
  id: string;
  kind: DeviceKind;
  /** Modbus unit id on the simulator's server (default: 1 + position in the list). */
  unitId?: number;
  /** Model parameters, per kind (see SolarInverterOptions, EnergyMeterOptions, PumpOptions, GpsTrackerOptions). */
  options?: Record<string, unknown>;
  faults?: FaultSpec[];
}

export interface MqttOptions {
  /** Broker URL, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  qos?: 0 | 1 | 2;
  clientId?: string;
  username?: string;
  password?: string;
  /**
   * Topic templates to publish each device's metrics object to; `{site}`, `{asset}` and
   * `{device}` are substituted. Default: the seed SCADA topic only.
   */
  topics?: string[];
}

export interface SimulatorOptions {
  /** Same seed + same timestamps = same values. Default 1. */
  seed?: number | string;
  /** `{site}` of the MQTT topic. Default `plant-1`. */
  site?: string;
  /** Time between samples, ms. Default 1000. */
  intervalMs?: number;
  /** Default: DEFAULT_DEVICES. */
  devices?: DeviceSpec[];
  /** Publish over MQTT when given. */
  mqtt?: MqttOptions;
  /** Serve Modbus TCP when given; port 0 (the default) picks a free port. */
  modbus?: { host?: string; port?: number };
  /** Clock, epoch ms. Default Date.now. */
  now?: () => number;
}

export const SEED_TOPIC = 'site/{site}/scada/{asset}/telemetry';

/** One of each kind, with faults that recur so a demo shows them within minutes. */
export const DEFAULT_DEVICES: DeviceSpec[] = [
  { id: 'inverter-1', kind: 'solar_inverter', faults: [{ kind: 'string_fault', string: 3, startMs: 120_000, everyMs: 900_000, durationMs: 180_000 }] },
  { id: 'meter-1', kind: 'energy_meter', faults: [{ kind: 'spike', metric: 'active_power', probabilityPerSec: 0.002 }] },
  { id: 'pump-1', kind: 'pump', faults: [{ kind: 'stuck', metric: 'pressure', startMs: 300_000, everyMs: 1_200_000, durationMs: 120_000 }, { kind: 'dropout', probabilityPerSec: 0.001, durationMs: 15_000 }] },
  { id: 'tracker-1', kind: 'gps_tracker', faults: [{ kind: 'drift', metric: 'speed', startMs: 600_000, everyMs: 1_800_000, durationMs: 300_000 }] },
];

export interface ResolvedDevice {
  spec: DeviceSpec;
  unitId: number;
  model: DeviceModel;
}

/** Validate devices and build their models; throws ERR_CONFIG_INVALID listing every problem. */
export function resolveDevices(specs: readonly DeviceSpec[]): ResolvedDevice[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const units = new Set<number>();
  const out: ResolvedDevice[] = [];
  specs.forEach((spec, i) => {
    const where = `devices[${i}]${typeof spec?.id === 'string' ? ` ('${spec.id}')` : ''}`;
    if (typeof spec?.id !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(spec.id)) problems.push(`${where}: field 'id' must be 1-100 letters, digits, '_', '.' or '-'; got ${JSON.stringify(spec?.id)}`);
    else if (ids.has(spec.id)) problems.push(`${where}: field 'id' duplicates an earlier device`);
    ids.add(spec?.id);
    const unitId = spec?.unitId ?? i + 1;
    if (!Number.isInteger(unitId) || unitId < 1 || unitId > 247) problems.push(`${where}: field 'unitId' must be an integer 1-247; got ${JSON.stringify(unitId)}`);
    else if (units.has(unitId)) problems.push(`${where}: field 'unitId' ${unitId} is already used by an earlier device`);
    units.add(unitId);
    if (!DEVICE_KINDS.includes(spec?.kind)) {
      problems.push(`${where}: field 'kind' must be one of ${DEVICE_KINDS.join(', ')}; got ${JSON.stringify(spec?.kind)}`);
      return;
    }
    const model = DEVICE_MODELS[spec.kind](spec.options ?? {});
    (spec.faults ?? []).forEach((f, j) => problems.push(...faultProblems(f, `${where}.faults[${j}]`, model)));
    out.push({ spec, unitId, model });
  });
  if (problems.length) {
    throw new OutpostError('ERR_CONFIG_INVALID', `simulator: invalid device list (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`, { problems });
  }
  return out;
}

function faultProblems(f: FaultSpec, where: string, model: DeviceModel): string[] {
  const p: string[] = [];
  if (!FAULT_KINDS.includes(f?.kind)) return [`${where}: field 'kind' must be one of ${FAULT_KINDS.join(', ')}; got ${JSON.stringify(f?.kind)}`];
  const nonNeg = (name: keyof FaultSpec, positive = false) => {
    const v = f[name];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (positive && v === 0))) p.push(`${where}: field '${name}' must be a ${positive ? 'positive' : 'non-negative'} number; got ${JSON.stringify(v)}`);
  };
  nonNeg('startMs'); nonNeg('everyMs', true); nonNeg('durationMs', true);
  if (f.probabilityPerSec !== undefined && !(typeof f.probabilityPerSec === 'number' && f.probabilityPerSec >= 0 && f.probabilityPerSec <= 1)) p.push(`${where}: field 'probabilityPerSec' must be a number from 0 to 1; got ${JSON.stringify(f.probabilityPerSec)}`);
  if (f.startMs === undefined && !f.probabilityPerSec) p.push(`${where}: needs 'startMs' (a schedule) or 'probabilityPerSec' (random starts)`);
  if (f.everyMs !== undefined && f.startMs === undefined) p.push(`${where}: field 'everyMs' needs 'startMs'`);
  if (f.magnitude !== undefined && !(typeof f.magnitude === 'number' && Number.isFinite(f.magnitude))) p.push(`${where}: field 'magnitude' must be a finite number; got ${JSON.stringify(f.magnitude)}`);
  const signal = f.kind === 'spike' || f.kind === 'drift' || f.kind === 'stuck';
  if (f.metric !== undefined && !signal) p.push(`${where}: field 'metric' applies only to spike, drift and stuck faults`);
  if (signal && f.metric !== undefined && !model.metrics.some((m) => m.name === f.metric)) p.push(`${where}: field 'metric' must be one of ${model.metrics.map((m) => m.name).join(', ')}; got ${JSON.stringify(f.metric)}`);
  if (f.kind === 'over_temperature' && model.kind !== 'solar_inverter' && model.kind !== 'pump') p.push(`${where}: an over_temperature fault needs a device that heats up (solar_inverter, pump); this device is a ${model.kind}`);
  if (f.kind === 'string_fault') {
    const strings = model.metrics.filter((m) => m.name.startsWith('string_current_')).length;
    if (model.kind !== 'solar_inverter') p.push(`${where}: a string_fault needs a solar_inverter; this device is a ${model.kind}`);
    else if (f.string !== undefined && !(Number.isInteger(f.string) && f.string >= 1 && f.string <= strings)) p.push(`${where}: field 'string' must be an integer 1-${strings}; got ${JSON.stringify(f.string)}`);
  }
  return p;
}

/** Checks the top-level options (devices are checked by resolveDevices). */
export function optionProblems(o: SimulatorOptions): string[] {
  const p: string[] = [];
  if (o.intervalMs !== undefined && !(Number.isInteger(o.intervalMs) && o.intervalMs >= 10 && o.intervalMs <= 3_600_000)) p.push(`field 'intervalMs' must be an integer from 10 to 3600000; got ${JSON.stringify(o.intervalMs)}`);
  if (o.site !== undefined && !(typeof o.site === 'string' && /^[^/+#\s]{1,100}$/.test(o.site))) p.push(`field 'site' must be 1-100 characters without '/', '+', '#' or spaces (it is an MQTT topic level); got ${JSON.stringify(o.site)}`);
  if (o.mqtt) {
    if (typeof o.mqtt.url !== 'string' || !/^(mqtts?|wss?|tcp|ssl):\/\//.test(o.mqtt.url)) p.push(`field 'mqtt.url' must be a broker URL such as mqtt://127.0.0.1:1883; got ${JSON.stringify(o.mqtt.url)}`);
    if (o.mqtt.qos !== undefined && ![0, 1, 2].includes(o.mqtt.qos)) p.push(`field 'mqtt.qos' must be 0, 1 or 2; got ${JSON.stringify(o.mqtt.qos)}`);
    (o.mqtt.topics ?? []).forEach((t, i) => {
      if (typeof t !== 'string' || t === '' || /[+#]/.test(t)) p.push(`field 'mqtt.topics[${i}]' must be a topic template without wildcards; got ${JSON.stringify(t)}`);
    });
  }
  if (o.modbus?.port !== undefined && !(Number.isInteger(o.modbus.port) && o.modbus.port >= 0 && o.modbus.port <= 65535)) p.push(`field 'modbus.port' must be an integer from 0 to 65535; got ${JSON.stringify(o.modbus.port)}`);
  return p;
}
