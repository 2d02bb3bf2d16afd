/**
 * The HTTP side of the uplink protocol, shared by the gateway's sender and the hub's endpoint.
 *
 * POST {hub}/v1/uplink/batches
 *   body: an encoded Batch, compressed as named by Content-Encoding (gzip or identity)
 *   X-Outpost-Token: <gateway token> (or Authorization: Bearer <token>, e.g. a hub device token)
 *   X-Outpost-Gateway / X-Outpost-Stream / X-Outpost-Seq: must equal the batch's own fields
 *   X-Outpost-Sha256: hex SHA-256 of the body bytes as sent (after compression)
 * 200 → UplinkAck (stored or duplicate: both mean "the hub has it durably, delete it").
 * 400 ERR_UPLINK_INVALID → permanently invalid: the gateway dead-letters the batch.
 * 422 ERR_UPLINK_CHECKSUM → damaged in transit: the gateway re-sends it.
 * 401 → credentials; 413 → too large (the gateway re-batches smaller); 5xx → retry with backoff.
 * GET {hub}/v1/uplink/probe → 200 when the hub can take batches (connectivity probe).
 */
export const UPLINK_PATHS = { batches: '/v1/uplink/batches', probe: '/v1/uplink/probe' } as const;

export const UPLINK_HEADERS = {
  gateway: 'x-outpost-gateway',
  stream: 'x-outpost-stream',
  seq: 'x-outpost-seq',
  sha256: 'x-outpost-sha256',
  /** The gateway's shared uplink token; its own header so the hub's user/API-key auth does not parse it. */
  token: 'x-outpost-token',
} as const;

/** The hub's answer to a batch; the gateway checks every field before it deletes anything. */
export interface UplinkAck {
  result: 'stored' | 'duplicate';
  gateway: string;
  stream: string;
  seq: number;
  sha256: string;
  points: number;
}
