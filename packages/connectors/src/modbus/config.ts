/**
 * Parse and validate a Modbus register map. Errors name the device, the register (by metric and
 * position), the field, the value found and what was expected, all in one ERR_CONFIG_INVALID.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { OutpostError } from '@outpost/contract';
import { registerWidth, type ByteOrder, type RegisterType } from './codec.js';
import { modbusConfigSchema, type RegisterFunction } from './config-schema.js';

export interface ModbusRegister {
  metric: string;
  address: number;
  function: RegisterFunction;
  type: RegisterType;
  byteOrder: ByteOrder;
  wordOrder: ByteOrder;
  scale: number;
  offset: number;
  unit?: string;
}

export interface ModbusDevice {
  device: string;
  host: string;
  port: number;
  unitId: number;
  pollIntervalMs: number;
  timeoutMs: number;
  maxGap: number;
  registers: ModbusRegister[];
}

export interface BackoffConfig {
  minMs: number;
  maxMs: number;
  factor: number;
  jitter: number;
}

export interface ModbusConfig {
  devices: ModbusDevice[];
  backoff: BackoffConfig;
}

/** What a user writes: every field with a default may be left out. */
export interface ModbusConfigInput {
  devices: Array<Partial<Omit<ModbusDevice, 'registers'>> & Pick<ModbusDevice, 'device' | 'host'> & {
    byteOrder?: ByteOrder;
    wordOrder?: ByteOrder;
    registers: Array<Partial<ModbusRegister> & Pick<ModbusRegister, 'metric' | 'address' | 'function' | 'type'>>;
  }>;
  backoff?: Partial<BackoffConfig>;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
const validate = ajv.compile(modbusConfigSchema);

/** One problem; `path` is in display form, e.g. `devices[0].registers[2].type`. */
interface Problem { path: string; message: string }

/**
 * JSON pointer -> where it points, for people: `/devices/0/registers/2/type` becomes
 * where = "device 'inv' register 'active_power' (devices[0].registers[2])", field = "type".
 */
function describe(root: unknown, pointer: string): { where: string; path: string; field?: string } {
  const parts = pointer.split('/').slice(1);
  const field = parts.length && !/^\d+$/.test(parts[parts.length - 1]!) ? parts.pop() : undefined;
  const labels: string[] = [];
  let dotted = '';
  let node: unknown = root;
  parts.forEach((key, i) => {
    node = (node as Record<string, unknown> | undefined)?.[key];
    if (!/^\d+$/.test(key)) { dotted += dotted ? `.${key}` : key; return; }
    dotted += `[${key}]`;
    const rec = node as Record<string, unknown> | undefined;
    if (parts[i - 1] === 'devices') labels.push(`device '${String(rec?.device ?? '?')}'`);
    if (parts[i - 1] === 'registers') labels.push(`register '${String(rec?.metric ?? '?')}'`);
  });
  const where = labels.length ? `${labels.join(' ')} (${dotted})` : dotted || 'top level';
  const path = field === undefined ? dotted : dotted ? `${dotted}.${field}` : field;
  return field === undefined ? { where, path } : { where, path, field };
}

function ajvProblem(root: unknown, e: ErrorObject): Problem {
  let pointer = e.instancePath;
  let expected = e.message ?? 'is invalid';
  if (e.keyword === 'required') pointer += `/${String(e.params.missingProperty)}`;
  if (e.keyword === 'additionalProperties') pointer += `/${String(e.params.additionalProperty)}`;
  if (e.keyword === 'enum') expected = `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
  if (e.keyword === 'required') expected = 'is required';
  if (e.keyword === 'additionalProperties') expected = 'is not a known field';
  if (e.keyword === 'not') expected = 'must not be 0';
  const { where, path, field } = describe(root, pointer);
  const got = e.keyword === 'required' ? '' : `; got ${JSON.stringify(valueAt(root, pointer))}`;
  const subject = field === undefined ? where : `${where}: field '${field}'`;
  return { path, message: `${subject} ${expected}${got}` };
}

function valueAt(root: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], root);
}

/** Checks the schema cannot express: types per table, address range, duplicates. */
function semanticProblems(cfg: ModbusConfig): Problem[] {
  const out: Problem[] = [];
  const seenDevices = new Set<string>();
  cfg.devices.forEach((d, di) => {
    const dpath = `devices[${di}]`;
    if (seenDevices.has(d.device)) out.push({ path: dpath, message: `device '${d.device}' (${dpath}): field 'device' duplicates an earlier device id` });
    seenDevices.add(d.device);
    const metrics = new Set<string>();
    d.registers.forEach((r, ri) => {
      const where = `device '${d.device}' register '${r.metric}' (${dpath}.registers[${ri}])`;
      const bitTable = r.function === 'coil' || r.function === 'discrete';
      if (bitTable && r.type !== 'bool') out.push({ path: `${dpath}.registers[${ri}].type`, message: `${where}: field 'type' must be bool for a ${r.function}; got "${r.type}"` });
      if (r.type === 'bool' && (r.scale !== 1 || r.offset !== 0)) out.push({ path: `${dpath}.registers[${ri}].scale`, message: `${where}: fields 'scale'/'offset' do not apply to a bool; remove them` });
      const last = r.address + (bitTable ? 1 : registerWidth(r.type)) - 1;
      if (last > 65535) out.push({ path: `${dpath}.registers[${ri}].address`, message: `${where}: field 'address' ${r.address} leaves no room for a ${r.type} (needs registers up to ${last}, the last is 65535)` });
      if (metrics.has(r.metric)) out.push({ path: `${dpath}.registers[${ri}].metric`, message: `${where}: field 'metric' duplicates an earlier register of this device` });
      metrics.add(r.metric);
    });
  });
  if (cfg.backoff.minMs > cfg.backoff.maxMs) out.push({ path: 'backoff.minMs', message: `backoff: field 'minMs' (${cfg.backoff.minMs}) must not exceed 'maxMs' (${cfg.backoff.maxMs})` });
  return out;
}

/**
 * Validate a Modbus connector config and fill in defaults. Throws ERR_CONFIG_INVALID listing
 * every problem (`details.problems`), so a user fixes the whole map in one go.
 */
export function parseModbusConfig(input: unknown, source = 'modbus'): ModbusConfig {
  const copy: unknown = structuredClone(input);
  if (!validate(copy)) {
    const problems = (validate.errors ?? []).map((e) => ajvProblem(input, e));
    throw invalid(source, problems);
  }
  const raw = copy as { devices: Array<Record<string, unknown> & { registers: Array<Record<string, unknown>> }>; backoff: BackoffConfig };
  const cfg: ModbusConfig = {
    backoff: raw.backoff,
    devices: raw.devices.map((d) => ({
      device: d.device as string,
      host: d.host as string,
      port: d.port as number,
      unitId: d.unitId as number,
      pollIntervalMs: d.pollIntervalMs as number,
      timeoutMs: d.timeoutMs as number,
      maxGap: d.maxGap as number,
      registers: d.registers.map((r) => ({
        metric: r.metric as string,
        address: r.address as number,
        function: r.function as RegisterFunction,
        type: r.type as RegisterType,
        byteOrder: (r.byteOrder ?? d.byteOrder) as ByteOrder,
        wordOrder: (r.wordOrder ?? d.wordOrder) as ByteOrder,
        scale: r.scale as number,
        offset: r.offset as number,
        ...(r.unit === undefined ? {} : { unit: r.unit as string }),
      })),
    })),
  };
  const problems = semanticProblems(cfg);
  if (problems.length) throw invalid(source, problems);
  return cfg;
}

function invalid(source: string, problems: Problem[]): OutpostError {
  const list = problems.map((p) => `  - ${p.message}`).join('\n');
  return new OutpostError('ERR_CONFIG_INVALID', `${source}: invalid Modbus register map (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${list}`, { problems });
}
