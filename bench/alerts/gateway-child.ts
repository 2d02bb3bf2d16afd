/**
 * The gateway under test, in its own process so the load generator does not share its event
 * loop: reads a gateway config (a JSON file named by argv[2]), starts it, prints its MQTT address on stdout
 * as `READY <url>`, prints CPU and RSS on `STATS`, stops on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '@outpost/config';
import { startGateway } from '@outpost/gateway';

const overrides = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, unknown>;
const gw = await startGateway(loadConfig({ overrides: { gateway: overrides } }).gateway);
process.stdout.write(`READY ${gw.addresses.mqtt}\n`);
process.stdin.on('data', (d) => {
  if (d.toString().includes('STATS')) {
    const u = process.resourceUsage();
    process.stdout.write(`STATS ${JSON.stringify({ cpuUs: u.userCPUTime + u.systemCPUTime, rss: process.memoryUsage().rss, committed: gw.status().ingest })}\n`);
  }
});
process.on('SIGTERM', () => { void gw.stop().then(() => process.exit(0)); });
