import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { OutpostError, type Point } from '@outpost/contract';
import { decodeBatch, decodePointSet, UPLINK_HEADERS, type UplinkAck, type WireBatch } from '@outpost/contract/wire/index';
import type { GatewayIdentity } from './auth.js';
import type { UplinkBatchRecord, UplinkItemRecord, UplinkStore } from './store.js';

export interface IngestLimits { maxDecodedBytes: number }

const invalid = (msg: string, details?: Record<string, unknown>) => new OutpostError('ERR_UPLINK_INVALID', msg, details);

/**
 * Verify, decode and commit one uplink request body. Order matters: the checksum is checked
 * on the bytes as received (a damaged body is "re-send", 422), then everything else that can
 * be wrong with the content is permanent (400: the gateway dead-letters it), then the store
 * commits with the dedup key in one transaction, and only then is the ack built.
 */
export async function ingestBatch(
  store: UplinkStore, who: GatewayIdentity, headers: Record<string, string | string[] | undefined>, body: Buffer, limits: IngestLimits, now: number,
): Promise<UplinkAck> {
  const h = (name: string) => { const v = headers[name]; return Array.isArray(v) ? v[0] : v; };
  const sha256 = h(UPLINK_HEADERS.sha256) ?? '';
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw invalid(`header ${UPLINK_HEADERS.sha256}: expected the hex SHA-256 of the body (64 lowercase hex digits), got ${JSON.stringify(sha256.slice(0, 80))}`);
  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== sha256) {
    throw new OutpostError('ERR_UPLINK_CHECKSUM', `body checksum mismatch: header ${UPLINK_HEADERS.sha256} says ${sha256}, the ${body.length} bytes received hash to ${actual}; re-send the batch`, { expected: sha256, actual, bytes: body.length });
  }
  const stream = h(UPLINK_HEADERS.stream) ?? '';
  const seqText = h(UPLINK_HEADERS.seq) ?? '';
  if (stream.length === 0 || stream.length > 128) throw invalid(`header ${UPLINK_HEADERS.stream}: expected a stream id of 1–128 characters`);
  if (!/^[1-9][0-9]{0,15}$/.test(seqText)) throw invalid(`header ${UPLINK_HEADERS.seq}: expected a positive integer sequence number, got ${JSON.stringify(seqText)}`);
  const seq = Number(seqText);
  const encoding = (h('content-encoding') ?? 'identity').toLowerCase();
  let raw: Buffer;
  try {
    if (encoding === 'gzip') raw = gunzipSync(body, { maxOutputLength: limits.maxDecodedBytes });
    else if (encoding === 'identity') raw = body;
    else throw invalid(`content-encoding: expected gzip or identity, got ${JSON.stringify(encoding)}`);
  } catch (e) {
    if (e instanceof OutpostError) throw e;
    throw invalid(`batch ${seq}: the body does not decompress as ${encoding} within ${limits.maxDecodedBytes} bytes: ${(e as Error).message}`);
  }
  let batch: WireBatch;
  try {
    batch = decodeBatch(raw);
  } catch (e) {
    throw invalid(`batch ${seq}: the body is not an outpost.uplink.v1.Batch: ${(e as Error).message}`);
  }
  if (batch.gateway !== who.gateway || batch.stream !== stream || batch.seq !== seq) {
    throw invalid(`batch ${seq}: its own gateway/stream/seq (${batch.gateway}/${batch.stream}/${batch.seq}) differ from the authenticated gateway and headers (${who.gateway}/${stream}/${seq})`);
  }
  const points: Point[] = [];
  const items: UplinkItemRecord[] = [];
  for (const it of batch.items) {
    if (it.kind === 'points') {
      try {
        for (const p of decodePointSet(it.body)) points.push(p);
      } catch (e) {
        throw invalid(`batch ${seq}, item ${it.id}: not a valid PointSet: ${(e as Error).message}`);
      }
    } else if (it.kind.length === 0) {
      throw invalid(`batch ${seq}, item ${it.id}: empty kind`);
    } else {
      items.push(it);
    }
  }
  const record: UplinkBatchRecord = { gateway: who.gateway, tenant: who.tenant, stream, seq, sha256, receivedAt: now, points, items, status: batch.status };
  let result: 'stored' | 'duplicate' | 'conflict';
  try {
    result = await store.commitBatch(record);
  } catch (e) {
    throw new OutpostError('ERR_STORE_WRITE', `batch ${seq} from ${who.gateway} could not be committed: ${(e as Error).message}`, { seq }, { cause: e });
  }
  if (result === 'conflict') {
    throw invalid(`batch ${seq} of stream ${stream} was already stored with different content; a gateway database copied or restored from backup reuses sequence numbers`, { seq, stream });
  }
  return { result, gateway: who.gateway, stream, seq, sha256, points: points.length };
}
