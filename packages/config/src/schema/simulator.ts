import { Type } from '@sinclair/typebox';
import { Int, Num, Optional, Port, Section, Str, StringEnum, Struct } from './kinds.js';

export const FAULT_KINDS = ['spike', 'drift', 'stuck', 'dropout', 'overTemperature', 'stringFault'] as const;

const Fault = Struct({
  kind: StringEnum(FAULT_KINDS, { description: 'Fault to inject.' }),
  device: Optional(Str({ minLength: 1, description: 'Device id to inject into. Unset: any device the fault applies to.' })),
  metric: Optional(Str({ minLength: 1, description: 'Metric to affect. Unset: the fault\'s natural metric.' })),
  probability: Num({ minimum: 0, maximum: 1, default: 0.01, description: 'Chance per sample that the fault starts.' }),
  durationMs: Int({ minimum: 0, default: 30_000, description: 'How long one occurrence lasts.' }),
}, { description: 'One fault injection rule.' });

export const SimulatorSection = Section({
  seed: Int({ default: 1, description: 'Random seed: the same seed gives the same data.' }),
  site: Str({ minLength: 1, default: 'plant-1', description: 'Site name used in SCADA-style topics.' }),
  intervalMs: Int({ minimum: 10, default: 1000, description: 'Sample period of every simulated device.' }),
  devices: Section({
    inverters: Int({ minimum: 0, default: 1, description: 'Solar inverters (active power, DC voltage, string currents, temperature, irradiance).' }),
    meters: Int({ minimum: 0, default: 1, description: 'Energy meters.' }),
    pumps: Int({ minimum: 0, default: 1, description: 'Pumps with vibration.' }),
    trackers: Int({ minimum: 0, default: 1, description: 'GPS trackers.' }),
  }, { description: 'How many of each simulated device.' }),
  faults: Type.Array(Fault, { default: [], description: 'Fault injection rules. Env: a JSON array.' }),
  mqtt: Section({
    url: Optional(Str({ minLength: 1, pattern: '^(mqtts?|wss?|tcp|ssl)://', description: 'Broker to publish to. Default (in `outpost dev`): the gateway\'s embedded broker.' })),
  }, { description: 'Where simulated devices publish.' }),
  modbus: Section({
    enabled: Type.Boolean({ default: true, description: 'Serve one device\'s registers over Modbus TCP.' }),
    host: Str({ minLength: 1, default: '127.0.0.1', description: 'Bind address of the simulated Modbus TCP server.' }),
    port: Port(5020, { description: 'Port of the simulated Modbus TCP server.' }),
  }, { description: 'Simulated Modbus TCP server.' }),
}, { description: 'Simulated devices (used by `outpost dev`).' });
