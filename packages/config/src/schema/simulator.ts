import { Type } from '@sinclair/typebox';
import { Bool, Int, Num, Optional, Port, Section, Str, StringEnum, Struct } from './kinds.js';

// Mirrors apps/simulator's SimulatorOptions, which validates devices and faults again in depth.
export const FAULT_KINDS = ['spike', 'drift', 'stuck', 'dropout', 'over_temperature', 'string_fault'] as const;
export const DEVICE_KINDS = ['solar_inverter', 'energy_meter', 'pump', 'gps_tracker'] as const;

const Fault = Struct({
  kind: StringEnum(FAULT_KINDS, { description: 'Fault to inject.' }),
  metric: Optional(Str({ minLength: 1, description: 'spike/drift/stuck: the metric affected (default: the device\'s main metric).' })),
  startMs: Optional(Int({ minimum: 0, description: 'Scheduled start, ms after the simulation\'s first sample.' })),
  everyMs: Optional(Int({ minimum: 1, description: 'With startMs: repeat every this many ms.' })),
  probabilityPerSec: Optional(Num({ minimum: 0, maximum: 1, description: 'Chance per second that the fault starts while inactive.' })),
  durationMs: Optional(Int({ minimum: 1, description: 'How long one occurrence lasts (default 1 s for spike, 60 s otherwise).' })),
  magnitude: Optional(Num({ description: 'Size of the fault: spike offset, drift per minute, extra degC, or the fraction a faulty string keeps.' })),
  string: Optional(Int({ minimum: 1, description: 'string_fault: 1-based string index.' })),
}, { description: 'One fault injection rule.' });

const Device = Struct({
  id: Str({ minLength: 1, description: 'Device id (the `{asset}` of the MQTT topic).' }),
  kind: StringEnum(DEVICE_KINDS, { description: 'Device model.' }),
  unitId: Optional(Int({ minimum: 1, maximum: 247, description: 'Modbus unit id on the simulator\'s server (default: 1 + position).' })),
  options: Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Model parameters, per kind (see apps/simulator).' })),
  faults: Optional(Type.Array(Fault, { description: 'Faults injected into this device.' })),
}, { description: 'One simulated device.' });

export const SimulatorSection = Section({
  seed: Int({ default: 1, description: 'Random seed: the same seed gives the same data.' }),
  site: Str({ minLength: 1, default: 'plant-1', description: 'Site name used in SCADA-style topics.' }),
  intervalMs: Int({ minimum: 10, default: 1000, description: 'Sample period of every simulated device.' }),
  devices: Optional(Type.Array(Device, {
    minItems: 1,
    description: 'Simulated devices. Unset: one solar inverter, energy meter, pump and GPS tracker, with recurring faults. Env: a JSON array.',
  })),
  mqtt: Section({
    enabled: Bool({ default: true, description: 'Publish every sample as a metrics object over MQTT.' }),
    url: Optional(Str({ minLength: 1, pattern: '^(mqtts?|wss?|tcp|ssl)://', description: 'Broker to publish to. Unset (in `outpost dev`): the gateway\'s embedded broker.' })),
    qos: Int({ minimum: 0, maximum: 2, default: 1, description: 'MQTT QoS of the publishes.' }),
    topics: Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Topic templates to publish to. Unset: the SCADA topic `site/{site}/scada/{asset}/telemetry`.' })),
  }, { description: 'Where simulated devices publish.' }),
  modbus: Section({
    enabled: Bool({ default: true, description: 'Serve every device\'s registers over Modbus TCP (one unit id per device); `outpost dev` polls them.' }),
    host: Str({ minLength: 1, default: '127.0.0.1', description: 'Bind address of the simulated Modbus TCP server.' }),
    port: Port(5020, { description: 'Port of the simulated Modbus TCP server.' }),
    devicePrefix: Str({ default: 'mb-', description: 'Prefix of the device ids the gateway stores polled values under, so they do not mix with the MQTT-fed ones.' }),
  }, { description: 'Simulated Modbus TCP server.' }),
}, { description: 'Simulated devices (used by `outpost dev`).' });
