/**
 * The Modbus TCP connector's configuration as a JSON Schema (draft-07): the gateway's config
 * schema embeds it, and `parseModbusConfig` validates against it (defaults included), then adds
 * the checks a schema cannot express. Every field here is documented for the generated reference.
 */
import { REGISTER_TYPES } from './codec.js';

export const REGISTER_FUNCTIONS = ['coil', 'discrete', 'holding', 'input'] as const;
export type RegisterFunction = (typeof REGISTER_FUNCTIONS)[number];

const order = { type: 'string', enum: ['big', 'little'] } as const;

export const modbusRegisterSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['metric', 'address', 'function', 'type'],
  properties: {
    metric: { type: 'string', minLength: 1, maxLength: 200, description: 'Metric name of the points this register produces.' },
    address: { type: 'integer', minimum: 0, maximum: 65535, description: 'Zero-based register (or coil) address.' },
    function: { type: 'string', enum: REGISTER_FUNCTIONS, description: 'Register table: coil (FC1), discrete (FC2), holding (FC3), input (FC4).' },
    type: { type: 'string', enum: REGISTER_TYPES, description: 'Value type; coils and discrete inputs are bool.' },
    byteOrder: { ...order, description: 'Byte order inside each register; defaults to the device setting (big).' },
    wordOrder: { ...order, description: 'Which register of a 32-bit value is the high word (big = first); defaults to the device setting (big).' },
    scale: { type: 'number', not: { const: 0 }, default: 1, description: 'Value = raw * scale + offset.' },
    offset: { type: 'number', default: 0, description: 'Value = raw * scale + offset.' },
    unit: { type: 'string', minLength: 1, maxLength: 32, description: 'Unit of the scaled value, e.g. kW, degC.' },
  },
} as const;

export const modbusDeviceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['device', 'host', 'registers'],
  properties: {
    device: { type: 'string', minLength: 1, maxLength: 200, description: 'Device id of the points.' },
    host: { type: 'string', minLength: 1, description: 'Modbus TCP server host name or address.' },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 502, description: 'Modbus TCP port.' },
    unitId: { type: 'integer', minimum: 0, maximum: 255, default: 1, description: 'Modbus unit (slave) id.' },
    pollIntervalMs: { type: 'integer', minimum: 10, maximum: 86_400_000, default: 1000, description: 'Time between polls.' },
    timeoutMs: { type: 'integer', minimum: 10, maximum: 60_000, default: 1000, description: 'Connect and per-request timeout.' },
    byteOrder: { ...order, default: 'big', description: 'Default byte order for this device\'s registers.' },
    wordOrder: { ...order, default: 'big', description: 'Default word order for this device\'s 32-bit registers.' },
    maxGap: { type: 'integer', minimum: 0, maximum: 32, default: 0, description: 'Unused registers a coalesced read may span between two mapped ones (0 = contiguous only).' },
    registers: { type: 'array', minItems: 1, items: modbusRegisterSchema, description: 'The register map.' },
  },
} as const;

export const modbusConfigSchema = {
  $id: 'https://outpost.dev/schemas/connectors/modbus.json',
  type: 'object',
  additionalProperties: false,
  required: ['devices'],
  properties: {
    devices: { type: 'array', items: modbusDeviceSchema, description: 'Modbus TCP devices to poll.' },
    backoff: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Reconnect delays: exponential from minMs to maxMs, each reduced by up to `jitter` (a fraction) at random.',
      properties: {
        minMs: { type: 'integer', minimum: 1, default: 500 },
        maxMs: { type: 'integer', minimum: 1, default: 30_000 },
        factor: { type: 'number', minimum: 1, maximum: 10, default: 2 },
        jitter: { type: 'number', minimum: 0, maximum: 1, default: 0.5 },
      },
    },
  },
} as const;
