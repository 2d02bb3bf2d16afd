// Test support (not shipped): a real hub over real HTTP and one gateway linked to it, for end-to-end
// tests of what the hub sends to gateways (deployments of processors, models, pipelines).
import { writeFileSync } from 'node:fs';
import { loadConfig } from '@outpost/config';
import { tempDir } from '@outpost/testing';
import { startHub } from '@outpost/hub';
import { startHubLink, type HubLink } from './supervisor.js';

export interface Reply { status: number; json: any; text: string }
/** A JSON call (a Uint8Array body goes as octet-stream); `headers` replace the default admin bearer token. */
export type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Reply>;

export interface LinkedGateway {
  /** The hub's API as its system admin (organisation Plant). */
  api: Call;
  /** The gateway's local HTTP API. */
  gw: Call;
  link: HubLink;
  /** The gateway's device id on the hub. */
  device: string;
  hubUrl: string;
  dir: string;
}

const PASSWORD = 'correct horse battery staple';

/** Hub (1 s heartbeats) and a gateway registered to it with a one-time token; both stopped after the test. */
export async function startLinkedGateway(t: { after: (fn: () => unknown) => void }, prefix = 'outpost-linked-', hardwareId = 'serial-7'): Promise<LinkedGateway> {
  const tmp = tempDir(prefix);
  t.after(tmp.cleanup);
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, dataDir: `${tmp.dir}/hub`, heartbeatIntervalS: 1, log: { level: 'silent' } } } }).hub);
  t.after(() => hub.stop());
  let admin = '';
  const call = async (base: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> => {
    const raw = body instanceof Uint8Array;
    const type: Record<string, string> = body === undefined ? {} : { 'content-type': raw ? 'application/octet-stream' : 'application/json' };
    const r = await fetch(`${base}${path}`, { method, headers: { ...(headers ?? { authorization: `Bearer ${admin}` }), ...type }, ...(body !== undefined ? { body: raw ? body : JSON.stringify(body) } : {}) });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : undefined, text };
  };
  const api: Call = (method, path, body, headers) => call(hub.url, method, path, body, headers);
  await api('POST', '/v1/setup', { orgName: 'Plant', email: 'root@plant.test', password: PASSWORD });
  admin = (await api('POST', '/v1/sessions', { email: 'root@plant.test', password: PASSWORD })).json.token;
  const reg = await api('POST', '/v1/registration-tokens', {});
  const file = `${tmp.dir}/outpost.json`;
  writeFileSync(file, JSON.stringify({ gateway: {
    id: 'line-1', dataDir: `${tmp.dir}/gw`, http: { port: 0 }, mqtt: { mode: 'off' },
    hub: { url: hub.url, registrationToken: reg.json.token, hardwareId },
  } }));
  const link = await startHubLink({ load: (pushed) => loadConfig({ file, overrides: pushed ? { gateway: pushed } as never : {} }).gateway });
  t.after(() => link.stop());
  const gw: Call = (method, path, body, headers) => call(link.gateway()!.addresses.http, method, path, body, headers);
  return { api, gw, link, device: link.client.deviceId!, hubUrl: hub.url, dir: tmp.dir };
}
