import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Agent, request } from 'node:http';
import { encodeBatch, encodePointSet, UPLINK_HEADERS, UPLINK_PATHS } from '@outpost/contract/wire/index';

export interface Res { status: number; json: any; ms: number }

// A bounded keep-alive pool: the load generator shares the machine with the hub, so it must stay light.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP call over the pool; `ms` is the wall time until the body is read. */
export async function call(base: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, o: { token?: string; body?: unknown; raw?: Buffer; headers?: Record<string, string> } = {}): Promise<Res> {
  const t0 = performance.now();
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | Buffer | undefined;
  if (o.raw) body = o.raw;
  else if (o.body !== undefined) { body = JSON.stringify(o.body); headers['content-type'] = 'application/json'; }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise<Res>((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined, ms: performance.now() - t0 });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function must(r: Res, status: number, what: string): Res {
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.json)}`);
  return r;
}

/** Run `n` tasks with at most `concurrency` in flight. */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => { while (next < n) await task(next++); }));
}

/** A ready-to-send uplink request (gzip, checksum) so encoding is not part of what is measured. */
export function uplinkBody(gateway: string, stream: string, seq: number, points: number, t0: number): { body: Buffer; headers: Record<string, string> } {
  const pts = Array.from({ length: points }, (_, i) => ({ device: `m${i % 10}`, metric: 'kw', ts: t0 + seq * points + i, value: (i % 97) * 0.5 }));
  const body = gzipSync(encodeBatch({ gateway, stream, seq, createdMs: t0, items: [{ id: seq, class: 'normal', kind: 'points', createdMs: t0, body: encodePointSet(pts) }] }));
  return {
    body,
    headers: {
      'content-type': 'application/x-protobuf', 'content-encoding': 'gzip', [UPLINK_HEADERS.gateway]: gateway,
      [UPLINK_HEADERS.stream]: stream, [UPLINK_HEADERS.seq]: String(seq), [UPLINK_HEADERS.sha256]: createHash('sha256').update(body).digest('hex'),
    },
  };
}

export const UPLINK_PATH = UPLINK_PATHS.batches;
export const TOKEN_HEADER = UPLINK_HEADERS.token;
