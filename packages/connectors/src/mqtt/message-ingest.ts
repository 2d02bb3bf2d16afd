import type { Ingestor, IngestInput, IngestOutcome, Reject, RejectReason } from '@outpost/contract';
import { decodePayload, DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../payload/decode.js';
import { compileTopicTemplates, type TopicMatcher, type TopicTemplate } from './topics.js';

export interface MqttIngestOptions {
  /** Topic templates that carry telemetry; default `DEFAULT_TOPIC_TEMPLATES`. */
  topics?: readonly TopicTemplate[];
  /** Payload limits; default 1 MiB and 10,000 points per message. */
  limits?: DecodeLimits;
  /** Gateway clock (epoch ms), passed in for tests; default Date.now. */
  now?: () => number;
}

export interface MqttIngestStats {
  messages: number;
  pointsAccepted: number;
  pointsRejected: number;
  /** Whole messages rejected before decoding, per reason (malformed_json, unknown_topic, …). */
  inputsRejected: Partial<Record<RejectReason, number>>;
  /** Messages the store refused (full, write error): not acknowledged, left for redelivery. */
  refused: number;
}

/**
 * Turns one MQTT message into an ingest call. Its callback runs once everything the message
 * produced (points or a dead letter) is committed — only then may the connector send PUBACK — or
 * with the store's OutpostError when nothing could be committed, in which case the connector must
 * not acknowledge.
 */
export class MqttMessageIngest {
  private readonly matcher: TopicMatcher;
  private readonly limits: DecodeLimits;
  private readonly now: () => number;
  private readonly counters: MqttIngestStats = { messages: 0, pointsAccepted: 0, pointsRejected: 0, inputsRejected: {}, refused: 0 };

  constructor(private readonly ingestor: Ingestor, opts: MqttIngestOptions = {}) {
    this.matcher = compileTopicTemplates(opts.topics);
    this.limits = opts.limits ?? DEFAULT_DECODE_LIMITS;
    this.now = opts.now ?? Date.now;
  }

  /** Subscription filters for client mode. */
  get filters(): readonly string[] {
    return this.matcher.filters;
  }

  /**
   * Ingest one message; `done` runs once, with null after commit or with the error (callback
   * style: the broker calls this tens of thousands of times a second).
   */
  handle(topic: string, payload: Buffer, done: (err: Error | null) => void): void {
    this.counters.messages++;
    const receivedAt = this.now();
    try {
      const match = this.matcher.match(topic);
      if (!match) {
        return this.reject(topic, payload, receivedAt, {
          reason: 'unknown_topic',
          message: `topic "${topic}" matches no telemetry template; expected one of ${this.matcher.filters.join(', ')}`,
        }, done);
      }
      const decoded = decodePayload(payload, this.limits);
      if (!decoded.ok) return this.reject(topic, payload, receivedAt, decoded.reject, done);
      const input: IngestInput = { source: 'mqtt', origin: topic, candidates: decoded.candidates, raw: payload, receivedAt, defaults: match.defaults };
      // One small closure per message: it lives until the commit's disk sync.
      if (this.ingestor.submit) this.ingestor.submit(input, (err, outcome) => this.ingested(err, outcome, done));
      else this.ingestor.ingest(input).then((o) => this.ingested(null, o, done), (e: unknown) => this.ingested(asError(e), undefined, done));
    } catch (e) {
      this.ingested(asError(e), undefined, done);
    }
  }

  stats(): MqttIngestStats {
    return { ...this.counters, inputsRejected: { ...this.counters.inputsRejected } };
  }

  private ingested(err: Error | null, outcome: IngestOutcome | undefined, done: (err: Error | null) => void): void {
    if (err) {
      this.counters.refused++;
      return done(err);
    }
    this.counters.pointsAccepted += outcome!.accepted;
    this.counters.pointsRejected += outcome!.rejected.length;
    done(null);
  }

  private reject(topic: string, payload: Buffer, receivedAt: number, reject: Reject, done: (err: Error | null) => void): void {
    const recorded = (err: Error | null) => {
      if (err) {
        this.counters.refused++;
        return done(err);
      }
      const r = this.counters.inputsRejected;
      r[reject.reason] = (r[reject.reason] ?? 0) + 1;
      done(null);
    };
    // The store keeps a bounded prefix of `raw` (and its full size), so a 10 MB payload stays cheap.
    const input = { source: 'mqtt', origin: topic, raw: payload, receivedAt };
    if (this.ingestor.submitReject) this.ingestor.submitReject(input, reject, recorded);
    else this.ingestor.rejectInput(input, reject).then(() => recorded(null), (e: unknown) => recorded(asError(e)));
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
