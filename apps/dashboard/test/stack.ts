// The real system the end-to-end tests drive: a hub serving the built dashboard, and on demand a
// gateway registered through the hub link with the simulator publishing to its embedded broker.
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '@outpost/config';
import { freePort, tempDir } from '@outpost/testing';
import { startHub, type HubHandle } from '@outpost/hub';
import { startHubLink, type HubLink } from '@outpost/gateway/hub-link/supervisor';
import { createSimulator, type DeviceSpec, type Simulator } from '@outpost/simulator';
import { buildDashboard, dashboardFresh } from '../../../scripts/build-dashboard.mjs';

export const ADMIN = { email: 'root@plant.test', password: 'correct horse battery staple' };
const ROOT = new URL('../../../', import.meta.url).pathname;

export interface Stack {
  hub: HubHandle;
  /** Call the hub API as a test (setup and checks); the browser goes through the UI. */
  api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: any; text: string }>;
  adminToken: string;
  orgId: string;
  /** Start a gateway that registers with `token`, with the simulator publishing `devices` to it. */
  gateway(token: string, hardwareId: string, devices: DeviceSpec[]): Promise<{ link: HubLink; deviceId: string; sim: Simulator }>;
}

/** A hub (heartbeats every second so status changes show within a test) with the first admin set up. */
export async function startStack(t: TestContext): Promise<Stack> {
  if (!dashboardFresh(ROOT)) await buildDashboard(ROOT);
  const tmp = tempDir('outpost-e2e-');
  t.after(tmp.cleanup);
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, dataDir: `${tmp.dir}/hub`, heartbeatIntervalS: 1, log: { level: 'silent' } } } }).hub);
  // Simulators and gateways stop before the hub, so no long poll holds the hub's close open.
  const stops: Array<() => Promise<void>> = [];
  t.after(async () => { for (const stop of stops.reverse()) await stop(); await hub.stop(); });
  const api: Stack['api'] = async (method, path, body, token) => {
    const r = await fetch(`${hub.url}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    let json: unknown;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: r.status, json, text };
  };
  const setup = await api('POST', '/v1/setup', { orgName: 'Plant', email: ADMIN.email, password: ADMIN.password });
  assert.equal(setup.status, 201, setup.text);
  const adminToken = (await api('POST', '/v1/sessions', ADMIN)).json.token as string;

  const gateway: Stack['gateway'] = async (token, hardwareId, devices) => {
    const dir = `${tmp.dir}/gw-${hardwareId}`;
    const local = {
      // A fixed broker port: a pushed config restarts the gateway, and the simulator reconnects to the same address.
      id: hardwareId, dataDir: dir, http: { port: 0 }, mqtt: { mode: 'embedded', port: await freePort() },
      uplink: { lingerMs: 10, probeIntervalMs: 200, backoffMinMs: 50, backoffMaxMs: 500 },
      // Info lines too, so the Logs tab has lines of several services (gateway start-ups, ingest rejects) to filter.
      hub: { url: hub.url, registrationToken: token, hardwareId, shipLogsAt: 'info' },
    };
    const file = `${tmp.dir}/${hardwareId}.json`;
    writeFileSync(file, JSON.stringify({ gateway: local }));
    const link = await startHubLink({ load: (pushed) => loadConfig({ file, overrides: pushed ? { gateway: pushed } as never : {} }).gateway });
    stops.push(() => link.stop());
    const broker = link.gateway()?.addresses.mqtt;
    assert.ok(broker, 'the gateway runs its embedded MQTT broker');
    const sim = createSimulator({ seed: 7, intervalMs: 250, devices, mqtt: { url: broker } });
    await sim.start();
    stops.push(() => sim.stop());
    return { link, deviceId: link.client.deviceId!, sim };
  };
  return { hub, api, adminToken, orgId: setup.json.org.id as string, gateway };
}
