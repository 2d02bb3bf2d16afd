import { Type } from '@sinclair/typebox';
import { modbusConfigSchema } from '@outpost/connectors/modbus/config-schema';
import type { ModbusConfigInput } from '@outpost/connectors/modbus/config';

/**
 * `gateway.modbus` is the Modbus connector's own schema (packages/connectors/src/modbus), embedded
 * so the register map is defined in one place. The gateway turns it into the connector's resolved
 * form with `parseModbusConfig(config.gateway.modbus)`; `checkRules` runs the same checks on load.
 */
const { devices, backoff } = modbusConfigSchema.properties;

export const ModbusSection = Type.Unsafe<ModbusConfigInput>({
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'Modbus TCP polling (schema owned by the Modbus connector).',
  properties: {
    devices: { ...devices, default: [], description: 'Modbus TCP devices to poll. Env: a JSON array.' },
    backoff: {
      ...backoff,
      properties: {
        minMs: { ...backoff.properties.minMs, description: 'First reconnect delay after a connection loss.' },
        maxMs: { ...backoff.properties.maxMs, description: 'Reconnect delay cap.' },
        factor: { ...backoff.properties.factor, description: 'Each further delay is the previous one times this.' },
        jitter: { ...backoff.properties.jitter, description: 'Each delay is reduced by up to this fraction at random, so devices do not reconnect in lockstep.' },
      },
    },
  },
});
