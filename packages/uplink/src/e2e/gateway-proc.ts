// Entry of a real gateway-core process for the uplink end-to-end tests (run with `node --import tsx`):
// the gateway's SQLite store, group-commit ingestor and uplink, exactly as startGateway wires them,
// behind a minimal HTTP front (POST /v1/points answers 200 only after the commit; GET /v1/uplink/status).
// It skips the connectors and the Fastify API so that 20+ restarts per test stay fast on 2 cores;
// startGateway's own wiring is exercised in-process by outage.test.ts.
// Config overrides arrive as JSON in OUTPOST_TEST_CONFIG; the process prints `READY <json>` once listening.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@outpost/config';
import { createIngestor } from '@outpost/ingest';
import { GatewayStore } from '@outpost/storage';
import { uplinkFromConfig } from '@outpost/gateway/uplink-wiring';
import { silentLogger, type PointCandidate } from '@outpost/contract';

const overrides = JSON.parse(process.env.OUTPOST_TEST_CONFIG ?? '{}') as Record<string, unknown>;
const config = loadConfig({ overrides: { gateway: overrides } }).gateway;
const store = GatewayStore.open({ path: config.store.path!, synchronous: config.store.synchronous });
const ingestor = createIngestor({ store, groupCommit: { maxPoints: config.store.groupCommitMaxPoints, maxDelayMs: config.store.groupCommitMaxDelayMs } });
const uplink = uplinkFromConfig(config, store, silentLogger, Date.now)!;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const reply = (status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (req.method === 'GET' && req.url === '/v1/uplink/status') return reply(200, uplink.status());
    if (req.method !== 'POST' || req.url !== '/v1/points') return reply(404, {});
    const candidates = JSON.parse(Buffer.concat(chunks).toString()) as PointCandidate[];
    ingestor.ingest({ candidates, source: 'http', origin: 'e2e', receivedAt: Date.now() })
      .then((o) => reply(200, o), (e: Error) => reply(503, { message: e.message }));
  });
});
server.listen(0, '127.0.0.1', () => {
  uplink.start();
  process.stdout.write(`READY ${JSON.stringify({ http: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pid: process.pid })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void ingestor.close().then(() => uplink.stop()).then(() => { store.close(); process.exit(0); });
});
