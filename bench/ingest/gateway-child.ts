// Runs one gateway for the benchmark: config overrides as JSON in argv[2]; prints its addresses
// as one JSON line when ready; stops on SIGTERM.
import { loadConfig } from '@outpost/config';
import { startGateway } from '@outpost/gateway';

const overrides = JSON.parse(process.argv[2] ?? '{}');
const cfg = loadConfig({ overrides: { gateway: overrides } });
const gw = await startGateway(cfg.gateway);
process.stdout.write(`${JSON.stringify({ pid: process.pid, addresses: gw.addresses })}\n`);
const stop = async () => { await gw.stop(); process.exit(0); };
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// Answer "how many points committed" on demand so the bench needs no second DB connection.
process.on('message', () => undefined);
