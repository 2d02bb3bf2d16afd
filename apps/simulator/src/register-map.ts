/**
 * The simulator's Modbus register map, derived from each device model's metric list: one unit id
 * per device; numeric metrics in holding registers from address 0 in metric order (32-bit values
 * take two), booleans as coils or discrete inputs from address 0. The same map is exported in the
 * gateway's register-map config format, so `outpost dev` polls exactly what is served.
 */
import { registerWidth, type ByteOrder, type ModbusConfigInput, type RegisterType } from '@outpost/connectors/modbus/index';
import type { MetricDef } from './devices/index.js';
import type { ResolvedDevice } from './options.js';

export interface MappedRegister {
  metric: string;
  function: 'holding' | 'coil' | 'discrete';
  address: number;
  type: RegisterType;
  scale: number;
  offset: number;
  byteOrder: ByteOrder;
  wordOrder: ByteOrder;
  unit?: string;
}

export function layoutRegisters(metrics: readonly MetricDef[]): MappedRegister[] {
  const next = { holding: 0, coil: 0, discrete: 0 };
  return metrics.map((m) => {
    const fn = m.modbus.function;
    const address = next[fn];
    next[fn] += fn === 'holding' ? registerWidth(m.modbus.type) : 1;
    const r: MappedRegister = {
      metric: m.name, function: fn, address, type: m.modbus.type,
      scale: m.modbus.scale ?? 1, offset: m.modbus.offset ?? 0, byteOrder: 'big', wordOrder: m.modbus.wordOrder ?? 'big',
    };
    if (m.unit !== undefined) r.unit = m.unit;
    return r;
  });
}

export interface GatewayMapOptions {
  host: string;
  port: number;
  pollIntervalMs?: number;
  /** Prefix for the polled device ids, e.g. `mb-` so they do not mix with the MQTT-fed ones. */
  deviceIdPrefix?: string;
}

/** The register map in the gateway's Modbus connector config format (`parseModbusConfig` input). */
export function gatewayModbusConfig(devices: readonly ResolvedDevice[], opts: GatewayMapOptions): ModbusConfigInput {
  return {
    devices: devices.map((d) => ({
      device: `${opts.deviceIdPrefix ?? ''}${d.spec.id}`,
      host: opts.host,
      port: opts.port,
      unitId: d.unitId,
      pollIntervalMs: opts.pollIntervalMs ?? 1000,
      registers: layoutRegisters(d.model.metrics).map((r) => {
        const out: ModbusConfigInput['devices'][number]['registers'][number] = { metric: r.metric, address: r.address, function: r.function, type: r.type };
        if (r.scale !== 1) out.scale = r.scale;
        if (r.offset !== 0) out.offset = r.offset;
        if (r.wordOrder !== 'big') out.wordOrder = r.wordOrder;
        if (r.unit !== undefined) out.unit = r.unit;
        return out;
      }),
    })),
  };
}

/** The register map as a Markdown table per device, for the simulator's README. */
export function registerMapMarkdown(devices: readonly ResolvedDevice[]): string {
  const fc = { holding: 'holding (FC3)', coil: 'coil (FC1)', discrete: 'discrete input (FC2)' };
  return devices.map((d) => {
    const rows = layoutRegisters(d.model.metrics).map((r) => {
      const order = r.type === 'int32' || r.type === 'uint32' || r.type === 'float32' ? (r.wordOrder === 'big' ? 'ABCD' : 'CDAB') : '';
      return `| ${r.address} | ${fc[r.function]} | \`${r.metric}\` | ${r.type} | ${order} | ${r.type === 'bool' ? '' : r.scale} | ${r.unit ?? ''} |`;
    });
    return [`### \`${d.spec.id}\` (${d.spec.kind}), unit id ${d.unitId}`, '', '| address | table | metric | type | order | scale | unit |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
  }).join('\n\n');
}
