// Entry of a real hub process for the uplink end-to-end tests (run with `node --import tsx`).
import { loadConfig } from '@outpost/config';
import { startHub } from '@outpost/hub';

const overrides = JSON.parse(process.env.OUTPOST_TEST_CONFIG ?? '{}') as Record<string, unknown>;
const config = loadConfig({ overrides: { hub: overrides } }).hub;
const hub = await startHub(config);
process.stdout.write(`READY ${JSON.stringify({ url: hub.url, pid: process.pid })}\n`);
process.on('SIGTERM', () => { void hub.stop().then(() => process.exit(0)); });
