// Entry of a real process serving the hub's uplink ingest endpoint alone (the same routes and
// SQLite UplinkStore the hub registers), for the 20-kill crash test: the full hub's start-up
// (tenancy store, migrations, API docs) would make 20 restarts on 2 cores take minutes.
// hub-outage's first test runs the full hub (hub-proc.ts).
import Fastify from 'fastify';
import { registerUplinkRoutes, SharedTokenAuthenticator, SqliteUplinkStore } from '@outpost/hub/modules/uplink/index';

const o = JSON.parse(process.env.OUTPOST_TEST_CONFIG ?? '{}') as { port: number; dataDir: string; uplink: { gateways: Record<string, string> } };
const app = Fastify({ logger: false });
await registerUplinkRoutes(app, {
  store: new SqliteUplinkStore(`${o.dataDir}/uplink.db`),
  authenticator: new SharedTokenAuthenticator(o.uplink.gateways),
  maxBodyBytes: 16 * 1024 * 1024, maxDecodedBytes: 128 * 1024 * 1024,
}, Date.now);
await app.listen({ host: '127.0.0.1', port: o.port });
process.stdout.write(`READY ${JSON.stringify({ url: `http://127.0.0.1:${o.port}`, pid: process.pid })}\n`);
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)); });
