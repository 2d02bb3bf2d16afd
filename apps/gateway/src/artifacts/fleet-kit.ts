import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@outpost/config';
// Test-only: the real hub over real HTTP, so the agents meet the routes they meet in a fleet.
import { startHub } from '@outpost/hub';
import { HubClient } from '../hub-client/client.js';
import { ArtifactAgent } from './agent.js';
import { fileDropInstaller } from './installers/file-drop.js';
import type { Installers } from './types.js';

/**
 * A lightweight gateway for fleet tests and the rollout benchmark: the real hub client and
 * artifact agent with file-drop installers, without connectors or a local store. `failHealth`
 * makes its health check fail for chosen versions (a device "made to fail").
 */
export interface LightGateway {
  readonly index: number;
  readonly client: HubClient;
  readonly agent: ArtifactAgent;
  readonly dir: string;
  failHealth: Set<string>;
  /** The content of the active file of an artifact name (undefined: none installed). */
  active(kind: string, name: string): string | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function lightGateway(o: { hubUrl: string; registrationToken: string; dir: string; index: number; kinds?: readonly string[] }): LightGateway {
  const failHealth = new Set<string>();
  const kinds = o.kinds ?? ['rule', 'model', 'processor', 'pipeline', 'config', 'software'];
  const installers: Installers = Object.fromEntries(kinds.map((k) => [k, fileDropInstaller({
    dir: join(o.dir, 'active', k),
    async health(a) { if (failHealth.has(`${a.kind}/${a.name}@${a.version}`)) throw new Error(`health check failed: ${a.name}@${a.version} does not work on device ${o.index}`); },
  })]));
  let client!: HubClient;
  const agent = new ArtifactAgent({ dir: join(o.dir, 'artifacts'), get: (p, h) => client.getRaw(p, h), installers, onChange: () => client.beatSoon() });
  const make = () => new HubClient({
    hubUrl: o.hubUrl, hardwareId: `light-${o.index}`, registrationToken: o.registrationToken, stateFile: join(o.dir, 'hub-client.json'),
    health: () => ({ status: 'online', versions: { gateway: '2.1.0' } }), applyConfig: async () => undefined, artifacts: agent, intervalMs: 1000,
  });
  client = make();
  const g: LightGateway = {
    index: o.index, get client() { return client; }, agent, dir: o.dir, failHealth,
    active(kind, name) { try { return readFileSync(join(o.dir, 'active', kind, name), 'utf8'); } catch { return undefined; } },
    async start() { client = make(); await agent.recover(); await client.start(); },
    async stop() { await client.stop(); },
  };
  return g;
}

export type AdminApi = (method: string, path: string, body?: unknown, raw?: Buffer) => Promise<{ status: number; json: any; text: string }>;

/**
 * A real hub for fleet tests (heartbeats every second), set up with one organisation and its admin;
 * `api` calls it as that admin (JSON bodies, or raw bytes for artifact uploads).
 */
export async function fleetHub(dataDir: string): Promise<{ url: string; api: AdminApi; stop(): Promise<void> }> {
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, dataDir, heartbeatIntervalS: 1, log: { level: 'silent' } } } }).hub);
  let admin = '';
  const api: AdminApi = async (method, path, body, raw) => {
    const r = await fetch(`${hub.url}${path}`, {
      method, headers: { ...(admin ? { authorization: `Bearer ${admin}` } : {}), ...(raw ? { 'content-type': 'application/octet-stream' } : body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(raw ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, json: (text ? JSON.parse(text) : undefined) as any, text };
  };
  const password = 'correct horse battery staple';
  await api('POST', '/v1/setup', { orgName: 'Plant', email: 'root@plant.test', password });
  admin = (await api('POST', '/v1/sessions', { email: 'root@plant.test', password })).json.token;
  return { url: hub.url, api, stop: () => hub.stop() };
}
