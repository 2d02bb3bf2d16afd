export { createModbusSource, type ModbusSource, type ModbusSourceOptions } from './source.js';
export { parseModbusConfig, type ModbusConfig, type ModbusConfigInput, type ModbusDevice, type ModbusRegister, type BackoffConfig } from './config.js';
export { modbusConfigSchema, REGISTER_FUNCTIONS, type RegisterFunction } from './config-schema.js';
export { decodeRegisters, encodeRegisters, applyScale, removeScale, registerWidth, shortestFloat32, REGISTER_TYPES, type ByteOrder, type RegisterType } from './codec.js';
export { planReads, MAX_READ_REGISTERS, MAX_READ_BITS, type ReadBlock } from './plan.js';
export { Backoff } from './backoff.js';
export type { DevicePollerStats } from './device-poller.js';
