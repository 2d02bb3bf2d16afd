// Runs one hub for the benchmark: hub config overrides as JSON in argv[2]; prints {pid, url} as one
// JSON line when ready; stops on SIGTERM.
import { loadConfig } from '@outpost/config';
import { startHub } from '@outpost/hub';

const overrides = JSON.parse(process.argv[2] ?? '{}');
const hub = await startHub(loadConfig({ overrides: { hub: overrides } }).hub);
process.stdout.write(`${JSON.stringify({ pid: process.pid, url: hub.url })}\n`);
const stop = async () => { await hub.stop(); process.exit(0); };
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
