import { isIP } from 'node:net';
import { issue, type ConfigIssue } from './errors.js';
import type { Path } from './layers.js';
import { isOutpostError } from '@outpost/contract';
import { parseModbusConfig } from '@outpost/connectors/modbus/config';
import type { GatewayModbusConfig, OutpostConfig } from './schema/index.js';

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return false;
}

/**
 * Rules across settings that JSON Schema cannot say clearly. They run on a schema-valid,
 * defaulted configuration and, like schema errors, are all collected.
 */
export function checkRules(c: OutpostConfig, originOf: (path: Path) => string): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const g = c.gateway;

  if (!isLoopback(g.http.host) && g.http.token === undefined) {
    out.push(issue('gateway.http.token', 'a token of at least 16 characters', undefined, originOf(['gateway', 'http', 'host']),
      `required because gateway.http.host is ${JSON.stringify(g.http.host)}, which is not a loopback address; expected a token of at least 16 characters (or bind to 127.0.0.1)`));
  }
  if (g.mqtt.password !== undefined && g.mqtt.username === undefined) {
    out.push(issue('gateway.mqtt.username', 'a username', undefined, originOf(['gateway', 'mqtt', 'password']),
      'missing; expected a username since gateway.mqtt.password is set'));
  }
  if (g.store.hardCapMb !== undefined && g.store.hardCapMb < g.store.maxSizeMb) {
    out.push(issue('gateway.store.hardCapMb', `integer ≥ gateway.store.maxSizeMb (${g.store.maxSizeMb})`, g.store.hardCapMb,
      originOf(['gateway', 'store', 'hardCapMb'])));
  }
  for (const [metric, rule] of Object.entries(g.ingest.metrics)) {
    if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) {
      const path = ['gateway', 'ingest', 'metrics', metric];
      out.push(issue(`gateway.ingest.metrics.${metric}.max`, `number ≥ min (${rule.min})`, rule.max, originOf([...path, 'max'])));
    }
  }
  g.ingest.attributes.forEach((name, i) => {
    const where = originOf(['gateway', 'ingest', 'attributes', String(i)]);
    if (['device', 'metric', 'ts', 'value', 'unit', 'quality', 'tags', 'points'].includes(name)) {
      out.push(issue(`gateway.ingest.attributes[${i}]`, 'a payload field other than the point\'s own fields', name, where, `"${name}" is a field of the point itself; attributes are the other payload fields (e.g. "seq")`));
    } else if (g.ingest.attributes.indexOf(name) !== i) {
      out.push(issue(`gateway.ingest.attributes[${i}]`, 'each name once', name, where, `"${name}" is listed twice`));
    }
  });
  const u = g.uplink;
  if (u.enabled && u.url === undefined) {
    out.push(issue('gateway.uplink.url', 'the hub base URL', undefined, originOf(['gateway', 'uplink', 'enabled']), 'missing; expected the hub base URL (e.g. https://hub.example.com) since gateway.uplink.enabled is true'));
  }
  if (u.batchMinPoints > u.batchMaxPoints) {
    out.push(issue('gateway.uplink.batchMinPoints', `integer ≤ gateway.uplink.batchMaxPoints (${u.batchMaxPoints})`, u.batchMinPoints, originOf(['gateway', 'uplink', 'batchMinPoints'])));
  }
  if (u.backoffMinMs > u.backoffMaxMs) {
    out.push(issue('gateway.uplink.backoffMinMs', `integer ≤ gateway.uplink.backoffMaxMs (${u.backoffMaxMs})`, u.backoffMinMs, originOf(['gateway', 'uplink', 'backoffMinMs'])));
  }
  out.push(...modbusIssues(g.modbus, originOf));
  return out;
}

/** The Modbus connector's own register-map checks (types per table, address room, duplicates). */
function modbusIssues(modbus: GatewayModbusConfig, originOf: (path: Path) => string): ConfigIssue[] {
  try {
    parseModbusConfig(modbus, 'gateway.modbus');
    return [];
  } catch (e) {
    if (!isOutpostError(e, 'ERR_CONFIG_INVALID')) throw e;
    const problems = (e.details?.problems ?? []) as { path: string; message: string }[];
    return problems.map((p) => {
      const path = `gateway.modbus.${p.path.replace(/^\//, '').replace(/\//g, '.')}`;
      const top = /^devices\[(\d+)\]/.exec(p.path);
      const origin = originOf(top ? ['gateway', 'modbus', 'devices', Number(top[1])] : ['gateway', 'modbus']);
      return { path, message: `gateway.modbus: ${p.message} (from ${origin})`, expected: p.message, source: origin };
    });
  }
}
