import type { Source } from '@outpost/contract';
import { createMqttBrokerSource, createMqttClientSource } from './mqtt/index.js';
import { createModbusSource } from './modbus/index.js';

/** A built-in connector: its kind (the `kind` in gateway config) and how to create it. */
export interface ConnectorDefinition<Options> {
  kind: string;
  description: string;
  create(options: Options): Source;
}

/**
 * The one list of built-in connectors. Adding a protocol is one folder and one line here; the
 * gateway looks connectors up by kind and never switches on protocol names.
 */
export const CONNECTORS = [
  { kind: 'mqtt-broker', description: 'Embedded MQTT broker (aedes): devices publish telemetry to the gateway', create: createMqttBrokerSource },
  { kind: 'mqtt-client', description: 'Subscribes to telemetry topics on an external MQTT broker (Mosquitto, EMQX, …)', create: createMqttClientSource },
  { kind: 'modbus', description: 'Polls Modbus TCP devices by register map; failed reads become quality-flagged gaps', create: createModbusSource },
] as const satisfies readonly ConnectorDefinition<never>[];

export type ConnectorKind = (typeof CONNECTORS)[number]['kind'];

/** Options of one connector kind, e.g. `ConnectorOptions<'mqtt-broker'>` is `MqttBrokerOptions`. */
export type ConnectorOptions<K extends ConnectorKind> = Parameters<Extract<(typeof CONNECTORS)[number], { kind: K }>['create']>[0];

export function findConnector<K extends ConnectorKind>(kind: K): ConnectorDefinition<ConnectorOptions<K>>;
export function findConnector(kind: string): ConnectorDefinition<never> | undefined;
export function findConnector(kind: string): ConnectorDefinition<never> | undefined {
  return CONNECTORS.find((c) => c.kind === kind);
}
