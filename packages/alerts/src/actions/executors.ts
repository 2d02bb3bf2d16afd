import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import type ModbusSerial from 'modbus-serial';
import { lazyRequire } from '@outpost/contract/lazy';
import type { AlertChange } from '../lifecycle/alert-store.js';
import type { CommandAction, ModbusAction, MqttAction, WebhookAction } from './spec.js';
import { changePayload, render } from './template.js';

/** Outcome of one attempt; a thrown error means "retry". `permanent` stops retrying. */
export interface AttemptResult { status?: number; detail?: string }
export class PermanentFailure extends Error {
  constructor(message: string, readonly status?: number) { super(message); }
}

export interface Executor { target: string; run(c: AlertChange): Promise<AttemptResult> }

/** The host's MQTT publisher (a client of the gateway's broker, or of the site broker). */
export type MqttPublish = (topic: string, payload: string, opts: { qos: 0 | 1 | 2; retain: boolean }) => Promise<void>;

export function mqttExecutor(a: MqttAction, publish: MqttPublish | undefined): Executor {
  return {
    target: `mqtt:${a.topic}`,
    async run(c) {
      if (!publish) throw new PermanentFailure('no MQTT client is configured for alert actions');
      const topic = render(a.topic, c);
      await publish(topic, a.payload === undefined ? JSON.stringify(changePayload(c)) : render(a.payload, c), { qos: a.qos, retain: a.retain });
      return { detail: topic };
    },
  };
}

/** Signature header value: hex HMAC-SHA256 over `<timestamp>.<body>` (see docs/alerts.md). */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookExecutor(a: WebhookAction, now: () => number): Executor {
  return {
    target: a.url,
    async run(c) {
      const body = JSON.stringify(changePayload(c));
      const ts = String(now());
      let res: Response;
      try {
        // Redirects are not followed: a signed alert goes only to the configured receiver.
        res = await fetch(a.url, {
          method: 'POST', body, redirect: 'manual', signal: AbortSignal.timeout(a.timeoutMs),
          headers: { 'content-type': 'application/json', 'x-outpost-timestamp': ts, 'x-outpost-signature': signWebhook(a.secret, ts, body), 'x-outpost-alert-id': String(c.alert.id) },
        });
      } catch (e) {
        const err = e as Error;
        throw new Error(err.name === 'TimeoutError' ? `no answer within ${a.timeoutMs} ms` : `request failed: ${err.message}`);
      }
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { status: res.status };
      if (res.status >= 300 && res.status < 400) throw new PermanentFailure(`the receiver answered ${res.status} (redirect to ${res.headers.get('location') ?? '?'}); redirects are not followed`, res.status);
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new PermanentFailure(`the receiver rejected the delivery with ${res.status}`, res.status);
      const err = new Error(`the receiver answered ${res.status}`) as Error & { status?: number };
      err.status = res.status;
      throw err;
    },
  };
}

const loadModbus = lazyRequire<typeof ModbusSerial>(import.meta.url, 'modbus-serial');
type ModbusClient = InstanceType<typeof ModbusSerial.default>;

/** Modbus write over TCP; one client per action, reconnected after any failure. */
export function modbusExecutor(a: ModbusAction): Executor {
  let client: ModbusClient | undefined;
  const target = `modbus://${a.host}:${a.port}/${a.unitId}/${a.coil !== undefined ? `coil/${a.coil}` : `register/${a.register}`}`;
  return {
    target,
    async run(c) {
      const value = c.change === 'cleared' && a.clearValue !== undefined ? a.clearValue : a.value;
      try {
        if (!client || !client.isOpen) {
          client = new (loadModbus().default)();
          client.setTimeout(2000);
          await client.connectTCP(a.host, { port: a.port });
          client.setID(a.unitId);
        }
        if (a.coil !== undefined) await client.writeCoil(a.coil, value as boolean);
        else await client.writeRegister(a.register!, value as number);
        return { detail: `wrote ${String(value)}` };
      } catch (e) {
        const old = client;
        client = undefined;
        try { old?.close(() => undefined); } catch { /* already closed */ }
        throw new Error(`modbus write to ${target} failed: ${(e as Error).message}`);
      }
    },
  };
}

/** An allow-listed program run with execFile (no shell); each argument is a template. */
export function commandExecutor(a: CommandAction, allowed: readonly string[]): Executor {
  return {
    target: a.command,
    run(c) {
      if (!allowed.includes(a.command)) return Promise.reject(new PermanentFailure(`command ${a.command} is not in gateway.alerts.allowedCommands`));
      const args = a.args.map((t) => render(t, c));
      return new Promise((resolve, reject) => {
        execFile(a.command, args, { timeout: a.timeoutMs, shell: false, maxBuffer: 64 * 1024 }, (err, stdout) => {
          if (err) reject(new Error(err.killed ? `killed after ${a.timeoutMs} ms` : `exited with ${String(err.code)}: ${err.message.slice(0, 300)}`));
          else resolve({ status: 0, detail: stdout.slice(0, 200) });
        });
      });
    },
  };
}
