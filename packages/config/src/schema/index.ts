import { Type, type Static } from '@sinclair/typebox';
import { Str } from './kinds.js';
import { GatewaySection } from './gateway.js';
import { HubSection } from './hub.js';
import { SimulatorSection } from './simulator.js';
import { DevSection } from './dev.js';

export { DEFAULT_TOPICS } from './mqtt.js';
export { REGISTER_FUNCTIONS as MODBUS_FUNCTIONS } from '@outpost/connectors/modbus/config-schema';
export { REGISTER_TYPES as MODBUS_TYPES } from '@outpost/connectors/modbus/codec';
export { FAULT_KINDS, DEVICE_KINDS } from './simulator.js';
export { LOG_LEVELS } from './gateway.js';

/** The whole configuration file. Every section is optional and takes its defaults. */
export const OutpostConfigSchema = Type.Object({
  $schema: Type.Optional(Str({ description: 'Path or URL of the JSON Schema (for editors); ignored.' })),
  gateway: GatewaySection,
  hub: HubSection,
  simulator: SimulatorSection,
  dev: DevSection,
}, {
  $id: 'https://outpost.dev/schemas/outpost.config.schema.json',
  title: 'Outpost configuration',
  description: 'One file (YAML or JSON) for the gateway, the hub, the simulator and `outpost dev`.',
  additionalProperties: false,
});

type Raw = Static<typeof OutpostConfigSchema>;
/** A loaded configuration: every default applied, `gateway.store.path` resolved. */
export type OutpostConfig = Omit<Raw, 'gateway'> & { gateway: GatewayConfig };
export type GatewayConfig = Omit<Raw['gateway'], 'store'> & { store: GatewayStoreConfig };
export type GatewayStoreConfig = Raw['gateway']['store'] & { path: string };
export type GatewayIngestConfig = Raw['gateway']['ingest'];
export type MetricRuleConfig = GatewayIngestConfig['metrics'][string];
export type GatewayMqttConfig = Raw['gateway']['mqtt'];
export type GatewayHttpConfig = Raw['gateway']['http'];
export type GatewayModbusConfig = Raw['gateway']['modbus'];
export type ModbusDeviceConfig = GatewayModbusConfig['devices'][number];
export type ModbusRegisterConfig = ModbusDeviceConfig['registers'][number];
export type LogConfig = Raw['gateway']['log'];
export type HubConfig = Raw['hub'];
export type SimulatorConfig = Raw['simulator'];
export type SimulatorDeviceConfig = NonNullable<SimulatorConfig['devices']>[number];
export type SimulatorFaultConfig = NonNullable<SimulatorDeviceConfig['faults']>[number];
export type DevConfig = Raw['dev'];

/** What a config file may contain: every setting optional, nested. */
export type OutpostConfigInput = DeepPartial<Raw>;
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? DeepPartial<U>[]
  : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
