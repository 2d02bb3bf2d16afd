export { createSimulator, type Simulator, type Sample, type SimulatorRates } from './simulator.js';
export { DEFAULT_DEVICES, SEED_TOPIC, resolveDevices, type DeviceSpec, type MqttOptions, type SimulatorOptions } from './options.js';
export { FAULT_KINDS, type FaultKind, type FaultSpec, type FaultEvent } from './faults.js';
export { DEVICE_KINDS, type DeviceKind } from './devices/index.js';
export { layoutRegisters, gatewayModbusConfig, registerMapMarkdown, type MappedRegister, type GatewayMapOptions } from './register-map.js';
export { createRng, type Rng } from './prng.js';
export { faultyPump } from './faulty-pump.js';
