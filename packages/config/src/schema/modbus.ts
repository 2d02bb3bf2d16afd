import { Type } from '@sinclair/typebox';
import { Int, Num, Optional, Port, Section, Str, StringEnum, Struct } from './kinds.js';

export const MODBUS_FUNCTIONS = ['coil', 'discrete', 'holding', 'input'] as const;
export const MODBUS_TYPES = ['bool', 'int16', 'uint16', 'int32', 'uint32', 'float32'] as const;
const ORDERS = ['BE', 'LE'] as const;

const Register = Struct({
  metric: Str({ minLength: 1, description: 'Metric name the value is stored under.' }),
  address: Int({ minimum: 0, maximum: 65535, description: 'Register (or coil) address, 0-based.' }),
  function: StringEnum(MODBUS_FUNCTIONS, { default: 'holding', description: 'Register table: coil, discrete input, holding or input register.' }),
  type: StringEnum(MODBUS_TYPES, { default: 'uint16', description: 'Value type; 32-bit types span two registers.' }),
  byteOrder: StringEnum(ORDERS, { default: 'BE', description: 'Byte order within a register.' }),
  wordOrder: StringEnum(ORDERS, { default: 'BE', description: 'Word order of 32-bit values (BE: high word first).' }),
  scale: Num({ default: 1, description: 'value = raw × scale + offset.' }),
  offset: Num({ default: 0, description: 'value = raw × scale + offset.' }),
  unit: Optional(Str({ minLength: 1, description: 'Unit of the scaled value, e.g. `kW`.' })),
}, { description: 'One register read into one metric.' });

const Device = Struct({
  name: Str({ minLength: 1, description: 'Device id the points are stored under.' }),
  host: Str({ minLength: 1, default: '127.0.0.1', description: 'Modbus TCP server host.' }),
  port: Port(502, { description: 'Modbus TCP server port.' }),
  unitId: Int({ minimum: 0, maximum: 255, default: 1, description: 'Modbus unit (slave) id.' }),
  pollIntervalMs: Int({ minimum: 10, default: 1000, description: 'Poll period.' }),
  timeoutMs: Int({ minimum: 1, default: 1000, description: 'Request timeout; a timed-out read becomes a quality-flagged gap.' }),
  backoffMinMs: Int({ minimum: 1, default: 500, description: 'First reconnect delay after a connection loss.' }),
  backoffMaxMs: Int({ minimum: 1, default: 30_000, description: 'Reconnect delay cap (the delay doubles up to it).' }),
  registers: Type.Array(Register, { minItems: 1, description: 'Register map.' }),
}, { description: 'One polled Modbus TCP device.' });

export const ModbusSection = Section({
  devices: Type.Array(Device, { default: [], description: 'Modbus TCP devices to poll. Env: a JSON array.' }),
}, { description: 'Modbus TCP polling.' });
