/**
 * A lightweight gateway as a real process, for the OTA test: hub client + artifact agent with
 * the software installer, started by Outpost's supervisor from a slot. It reports the version it
 * runs, and tells the supervisor it is healthy once its first heartbeat reached the hub.
 * Env: OUTPOST_TEST_HUB_URL, OUTPOST_TEST_REG_TOKEN, OUTPOST_TEST_DATA_DIR (+ the supervisor's OUTPOST_OTA_*).
 */
import { join } from 'node:path';
import { HubClient } from '../hub-client/client.js';
import { ArtifactAgent } from '../artifacts/agent.js';
import { reportHealthy } from './child.js';
import { softwareInstaller } from './software-installer.js';

const env = (k: string) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const dataDir = env('OUTPOST_TEST_DATA_DIR');
const running = env('OUTPOST_SOFTWARE_VERSION');
let committed!: () => void;
const installers = { software: softwareInstaller({ root: env('OUTPOST_OTA_ROOT'), running, committed: new Promise<void>((r) => { committed = r; }) }) };
let client!: HubClient;
const agent = new ArtifactAgent({ dir: join(dataDir, 'artifacts'), get: (p, h) => client.getRaw(p, h), installers, onChange: () => client.beatSoon() });
client = new HubClient({
  hubUrl: env('OUTPOST_TEST_HUB_URL'), hardwareId: `ota-${dataDir}`, registrationToken: env('OUTPOST_TEST_REG_TOKEN'), stateFile: join(dataDir, 'hub-client.json'),
  health: () => ({ status: 'online', versions: { gateway: running } }), applyConfig: async () => undefined, artifacts: agent, intervalMs: 1000,
});
// A real gateway is kept alive by its servers; this one by a timer, until the supervisor stops it.
const alive = setInterval(() => undefined, 60_000);
process.on('SIGTERM', () => { clearInterval(alive); void client.stop().finally(() => process.exit(0)); });
// The hub may be briefly unreachable (or gone at the end of a test): keep trying, do not crash.
for (;;) {
  try { await client.start(); break; } catch { await new Promise((r) => setTimeout(r, 500)); }
}
await reportHealthy();
committed();
await agent.recover();
