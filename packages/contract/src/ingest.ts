import type { Point, PointCandidate } from './point.js';

/** Why an input or a point was rejected. Stable strings: they are metric labels and dead-letter reasons. */
export type RejectReason =
  | 'malformed_json'
  | 'bad_shape'
  | 'too_large'
  | 'unknown_topic'
  | 'missing_field'
  | 'wrong_type'
  | 'not_finite'
  | 'out_of_range'
  | 'bad_quality'
  | 'bad_timestamp'
  | 'future_timestamp'
  | 'past_timestamp'
  | 'unknown_unit'
  | 'duplicate';

export interface Reject {
  reason: RejectReason;
  /** Human message: what was wrong, where, what was expected. */
  message: string;
  /** Index of the point within its input, when the reject concerns one point. */
  index?: number;
  device?: string;
  metric?: string;
}

/** One decoded input from a connector: zero or more point candidates and where they came from. */
export interface IngestInput {
  /** Connector kind: `mqtt`, `http`, `modbus`, … */
  source: string;
  /** Topic, URL, client id or register map name: where the input came from (kept with dead letters). */
  origin: string;
  candidates: PointCandidate[];
  /** The raw payload, kept with dead letters when the input or one of its points is rejected. */
  raw?: string | Buffer;
  /** Gateway receive time, epoch ms. */
  receivedAt: number;
  /** Defaults applied to candidates that lack a field (e.g. device from the MQTT topic). */
  defaults?: { device?: string; tags?: Record<string, string> };
}

export interface IngestOutcome {
  /** Points committed to the local store. */
  accepted: number;
  /** Candidates rejected (each also counted and dead-lettered). */
  rejected: Reject[];
}

/**
 * The gateway's ingest port. `ingest` resolves only after accepted points and dead letters
 * are committed to disk, so a connector acknowledges (PUBACK, HTTP 2xx) only on resolution.
 * It rejects with an OutpostError (ERR_STORE_FULL, ERR_STORE_WRITE, …) when nothing can be
 * committed; the connector then must not acknowledge.
 */
export interface Ingestor {
  ingest(input: IngestInput): Promise<IngestOutcome>;
  /** Record an input rejected before it produced candidates (malformed JSON, unknown topic, too large). */
  rejectInput(input: Omit<IngestInput, 'candidates'>, reject: Reject): Promise<void>;
  /**
   * Callback forms of `ingest` and `rejectInput`, same contract (`done` runs once, after commit, or
   * with the store's error). Optional: for connectors at tens of thousands of inputs a second,
   * where a promise per input is measurable CPU and garbage.
   */
  submit?(input: IngestInput, done: IngestDone): void;
  submitReject?(input: Omit<IngestInput, 'candidates'>, reject: Reject, done: (err: Error | null) => void): void;
}

export type IngestDone = (err: Error | null, outcome?: IngestOutcome) => void;

/** Listener for points after commit: the engine, live rates, the outbox. */
export type CommittedListener = (points: readonly Point[]) => void;
