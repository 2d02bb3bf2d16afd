import { Agent, request, type OutgoingHttpHeaders } from 'node:http';

/**
 * A lean HTTP/1.1 client over node:http for latency benchmarks: one keep-alive socket, the body
 * sent with its length, the answer read whole. Global `fetch` (undici) costs ~0.3 ms of CPU more
 * per exchange on these machines, which would be charged to the server under test when client and
 * server share a process.
 */
export class HttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly host: string;
  private readonly port: number;

  constructor(origin: string) {
    const u = new URL(origin);
    this.host = u.hostname;
    this.port = Number(u.port);
  }

  /** POST `body`; resolves with the status and the body as text. */
  post(path: string, headers: OutgoingHttpHeaders, body: string | ArrayBufferView): Promise<{ status: number; text: string }> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return new Promise((resolve, reject) => {
      const req = request({ host: this.host, port: this.port, path, method: 'POST', agent: this.agent, headers: { ...headers, 'content-length': bytes.length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(bytes);
    });
  }

  close(): void { this.agent.destroy(); }
}
