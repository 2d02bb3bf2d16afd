import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { UPLINK_PATHS } from '@outpost/contract/wire/index';

/** Faults a real network and a real hub produce but a test cannot cause on demand. */
export type Fault = 'pass' | 'corrupt-body' | 'status-500' | 'slow' | 'hang' | 'truncate' | 'garble';

/**
 * An HTTP proxy in front of the real hub endpoint that applies one fault to every batch POST
 * (probes pass through, as from a hub whose health is fine but whose ingest is not).
 */
export class FaultProxy {
  fault: Fault = 'pass';
  slowMs = 2000;
  readonly seen = new Map<Fault, number>();
  readonly requestTimes: number[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  url = '';

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body = Buffer.concat(chunks);
    const isBatch = req.method === 'POST' && req.url === UPLINK_PATHS.batches;
    const fault: Fault = isBatch ? this.fault : 'pass';
    if (isBatch) { this.seen.set(fault, (this.seen.get(fault) ?? 0) + 1); this.requestTimes.push(Date.now()); }
    if (fault === 'status-500') { res.writeHead(500, { 'content-type': 'application/json' }); res.end('{"code":"ERR_INTERNAL","message":"injected"}'); return; }
    if (fault === 'hang') return; // accepted, never answered
    if (fault === 'corrupt-body') { body = Buffer.from(body); body[Math.floor(body.length / 2)]! ^= 0x55; }
    const upstream = await this.forward(req, body);
    if (fault === 'slow') await new Promise((r) => setTimeout(r, this.slowMs));
    if (fault === 'truncate') {
      // Headers promise the full length; the connection is cut halfway through the body.
      res.writeHead(upstream.status, { 'content-type': 'application/json', 'content-length': String(upstream.body.length) });
      res.write(upstream.body.subarray(0, Math.floor(upstream.body.length / 2)));
      res.socket?.destroy();
      return;
    }
    if (fault === 'garble') { res.writeHead(200, { 'content-type': 'application/json' }); res.end(Buffer.from(upstream.body.map((b) => b ^ 0x2a))); return; }
    if (!res.destroyed) { res.writeHead(upstream.status, { 'content-type': 'application/json' }); res.end(upstream.body); }
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, 'content-length': String(body.length) };
      const r = request(new URL(req.url!, this.target), { method: req.method, headers }, (up) => {
        const out: Buffer[] = [];
        up.on('data', (c: Buffer) => out.push(c));
        up.on('end', () => resolve({ status: up.statusCode ?? 502, body: Buffer.concat(out) }));
      });
      r.on('error', reject);
      r.end(body);
    });
  }
}
