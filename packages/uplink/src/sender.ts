import { UPLINK_HEADERS, UPLINK_PATHS, type UplinkAck } from '@outpost/contract/wire/index';
import type { StoredBatch } from './outbox/batches.js';

export interface SenderOptions {
  /** Hub base URL, e.g. https://hub.example.com */
  url: string;
  gateway: string;
  stream: string;
  /**
   * `x-outpost-token`: a static token, or a provider called before every request (a provisioned
   * gateway's short-lived device token, renewed by the hub client).
   */
  token?: string | (() => string | Promise<string>) | undefined;
  /** Whole request, connect to last byte of the answer. */
  timeoutMs: number;
}

/** What became of one send. Only `delivered` lets the outbox delete anything. */
export type SendResult =
  | { outcome: 'delivered'; ack: UplinkAck }
  | { outcome: 'invalid'; status: number; code: string; reason: string }
  | { outcome: 'too_large'; status: number; reason: string }
  | { outcome: 'retry'; status?: number; reason: string };

const MAX_ANSWER_BYTES = 64 * 1024;

/** POSTs stored batches to the hub and reads its answer strictly: anything unexpected means "not delivered". */
export class HttpSender {
  constructor(private readonly o: SenderOptions) {}

  async send(b: StoredBatch, signal?: AbortSignal): Promise<SendResult> {
    const headers: Record<string, string> = {
      'content-type': 'application/x-protobuf',
      'content-encoding': b.encoding,
      [UPLINK_HEADERS.gateway]: this.o.gateway,
      [UPLINK_HEADERS.stream]: this.o.stream,
      [UPLINK_HEADERS.seq]: String(b.seq),
      [UPLINK_HEADERS.sha256]: b.sha256,
    };
    let status: number;
    let text: string;
    try {
      const token = await this.token();
      if (token) headers[UPLINK_HEADERS.token] = token;
      const res = await fetch(new URL(UPLINK_PATHS.batches, this.o.url), { method: 'POST', headers, body: b.body, signal: this.signal(signal) });
      status = res.status;
      text = await readCapped(res);
    } catch (e) {
      return { outcome: 'retry', reason: describe(e) };
    }
    let json: Record<string, unknown> | undefined;
    try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = undefined; }
    if (status === 200) {
      const ack = json as Partial<UplinkAck> | undefined;
      // A truncated, garbled or misdirected answer must not delete the batch: every field must echo ours.
      if (ack && (ack.result === 'stored' || ack.result === 'duplicate') && ack.gateway === this.o.gateway && ack.stream === this.o.stream && ack.seq === b.seq && ack.sha256 === b.sha256) {
        return { outcome: 'delivered', ack: ack as UplinkAck };
      }
      return { outcome: 'retry', status, reason: `the hub answered 200 without a valid acknowledgement for batch ${b.seq}: ${text.slice(0, 200)}` };
    }
    // Error bodies are { code, message } (uplink routes) or { error: { code, message } } (hub-wide handlers).
    const err = (json?.error !== null && typeof json?.error === 'object' ? json.error : json) as Record<string, unknown> | undefined;
    const code = typeof err?.code === 'string' ? err.code : `HTTP_${status}`;
    const message = typeof err?.message === 'string' ? err.message : text.slice(0, 500);
    if (status === 400 && code === 'ERR_UPLINK_INVALID') return { outcome: 'invalid', status, code, reason: message };
    if (status === 413) return { outcome: 'too_large', status, reason: message };
    return { outcome: 'retry', status, reason: `hub answered ${status} ${code}: ${message}` };
  }

  /** A failing provider (hub unreachable while renewing) throws inside the try: the send is retried. */
  private async token(): Promise<string | undefined> {
    return typeof this.o.token === 'function' ? this.o.token() : this.o.token;
  }

  private signal(stop?: AbortSignal): AbortSignal {
    const t = AbortSignal.timeout(this.o.timeoutMs);
    return stop ? AbortSignal.any([t, stop]) : t;
  }

  /** The connectivity probe: true when the hub's uplink endpoint answers 200 within the timeout. */
  async probe(signal?: AbortSignal): Promise<{ ok: boolean; reason?: string }> {
    try {
      const headers: Record<string, string> = { [UPLINK_HEADERS.gateway]: this.o.gateway };
      const token = await this.token();
      if (token) headers[UPLINK_HEADERS.token] = token;
      const res = await fetch(new URL(UPLINK_PATHS.probe, this.o.url), { headers, signal: this.signal(signal) });
      const text = await readCapped(res);
      return res.status === 200 ? { ok: true } : { ok: false, reason: `probe answered ${res.status}: ${text.slice(0, 200)}` };
    } catch (e) {
      return { ok: false, reason: `probe failed: ${describe(e)}` };
    }
  }
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
    n += c.length;
    if (n > MAX_ANSWER_BYTES) throw new Error(`hub answer exceeds ${MAX_ANSWER_BYTES} bytes`);
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'request timed out';
  return err.cause?.code ? `${err.message} (${err.cause.code})` : err.message;
}
