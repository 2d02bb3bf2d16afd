import { invalid } from '../rules/spec-errors.js';

export type LifecycleChange = 'raised' | 'acknowledged' | 'cleared';

interface Base { on: LifecycleChange[] }
export interface MqttAction extends Base { type: 'mqtt'; topic: string; payload?: string; qos: 0 | 1 | 2; retain: boolean }
export interface ModbusAction extends Base { type: 'modbus'; host: string; port: number; unitId: number; coil?: number; register?: number; value: number | boolean; clearValue?: number | boolean }
export interface WebhookAction extends Base { type: 'webhook'; url: string; secret: string; timeoutMs: number; maxAttempts: number }
export interface CommandAction extends Base { type: 'command'; command: string; args: string[]; timeoutMs: number }
export interface LogAction extends Base { type: 'log' }
export type ActionSpec = MqttAction | ModbusAction | WebhookAction | CommandAction | LogAction;

const CHANGES: LifecycleChange[] = ['raised', 'acknowledged', 'cleared'];

/** Parse a rule's `actions` list; every problem names its setting. */
export function parseActions(raw: unknown, path: string): ActionSpec[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw invalid(path, 'must be a list of actions');
  return raw.map((a, i) => parseAction(a, `${path}[${i}]`));
}

function parseAction(raw: unknown, path: string): ActionSpec {
  if (typeof raw !== 'object' || raw === null) throw invalid(path, 'an action must be an object with a type');
  const a = raw as Record<string, unknown>;
  const on = (a.on ?? (a.type === 'modbus' ? ['raised', 'cleared'] : ['raised'])) as LifecycleChange[];
  if (!Array.isArray(on) || on.some((c) => !CHANGES.includes(c))) throw invalid(`${path}.on`, `must be a list of ${CHANGES.join(', ')}`);
  const s = (k: string, def?: string): string => {
    const v = a[k] ?? def;
    if (typeof v !== 'string' || v.length === 0) throw invalid(`${path}.${k}`, `must be a non-empty string, got ${JSON.stringify(a[k])}`);
    return v;
  };
  const n = (k: string, def: number | undefined, min: number, max: number): number => {
    const v = a[k] ?? def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalid(`${path}.${k}`, `must be an integer from ${min} to ${max}, got ${JSON.stringify(a[k])}`);
    return v;
  };
  switch (a.type) {
    case 'mqtt':
      return { type: 'mqtt', on, topic: s('topic'), ...(a.payload !== undefined ? { payload: s('payload') } : {}), qos: n('qos', 1, 0, 2) as 0 | 1 | 2, retain: a.retain === true };
    case 'modbus': {
      if ((a.coil === undefined) === (a.register === undefined)) throw invalid(path, 'a modbus action needs exactly one of coil or register (the address to write)');
      const value = a.value;
      if (a.coil !== undefined ? typeof value !== 'boolean' : typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
        throw invalid(`${path}.value`, a.coil !== undefined ? 'a coil value must be true or false' : 'a register value must be an integer from 0 to 65535');
      }
      return {
        type: 'modbus', on, host: s('host'), port: n('port', 502, 1, 65535), unitId: n('unitId', 1, 0, 255),
        ...(a.coil !== undefined ? { coil: n('coil', undefined, 0, 65535) } : { register: n('register', undefined, 0, 65535) }),
        value: value as number | boolean, ...(a.clearValue !== undefined ? { clearValue: a.clearValue as number | boolean } : {}),
      };
    }
    case 'webhook': {
      const url = s('url');
      if (!/^https?:\/\//.test(url)) throw invalid(`${path}.url`, `must be an http(s) URL, got ${JSON.stringify(url)}`);
      const secret = s('secret');
      if (secret.length < 16) throw invalid(`${path}.secret`, 'the HMAC secret must be at least 16 characters');
      return { type: 'webhook', on, url, secret, timeoutMs: n('timeoutMs', 5000, 100, 60_000), maxAttempts: n('maxAttempts', 5, 1, 20) };
    }
    case 'command': {
      const args = a.args ?? [];
      if (!Array.isArray(args) || args.some((x) => typeof x !== 'string')) throw invalid(`${path}.args`, 'must be a list of strings (templates)');
      return { type: 'command', on, command: s('command'), args: args as string[], timeoutMs: n('timeoutMs', 10_000, 100, 300_000) };
    }
    case 'log':
      return { type: 'log', on };
    default:
      throw invalid(`${path}.type`, `unknown action type ${JSON.stringify(a.type)}; expected mqtt, modbus, webhook, command or log`);
  }
}
