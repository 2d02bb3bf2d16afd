// Entry of a real gateway-core process for the uplink end-to-end tests (run with `node --import tsx`):
// the gateway's SQLite store, group-commit ingestor and uplink, exactly as startGateway wires them,
// behind a minimal HTTP front (POST /v1/points answers 200 only after the commit; GET /v1/uplink/status).
// It skips the connectors, the Fastify API and config loading (schema compilation alone takes
// seconds on 2 shared cores) so that 20+ restarts per test stay fast; startGateway's own wiring
// with gateway.uplink config is exercised in-process by hub-outage.test.ts.
// Options (GatewayProcOptions) arrive as JSON in OUTPOST_TEST_CONFIG; it prints `READY <json>` once listening.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIngestor } from '@outpost/ingest';
import { GatewayStore } from '@outpost/storage';
import { createUplink } from '@outpost/uplink';
import type { PointCandidate } from '@outpost/contract';
import type { GatewayProcOptions } from './fixtures.js';

const o = JSON.parse(process.env.OUTPOST_TEST_CONFIG ?? '{}') as GatewayProcOptions;
const store = GatewayStore.open({ path: o.dbPath, synchronous: 'full' });
const ingestor = createIngestor({ store, groupCommit: { maxPoints: 5000, maxDelayMs: 2 } });
const uplink = createUplink({ store, ...o.uplink });

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
