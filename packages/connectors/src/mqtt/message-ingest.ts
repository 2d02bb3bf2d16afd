import type { Ingestor, IngestInput, Reject, RejectReason } from '@outpost/contract';
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
 * Turns one MQTT message into an ingest call. The returned promise resolves once everything the
 * message produced (points or a dead letter) is committed — only then may the connector send
 * PUBACK — and rejects with the store's OutpostError when nothing could be committed, in which
 * case the connector must not acknowledge.
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

  async handle(topic: string, payload: Buffer): Promise<void> {
    this.counters.messages++;
    const receivedAt = this.now();
    try {
      const match = this.matcher.match(topic);
      if (!match) {
        return await this.reject(topic, payload, receivedAt, {
          reason: 'unknown_topic',
          message: `topic "${topic}" matches no telemetry template; expected one of ${this.matcher.filters.join(', ')}`,
        });
      }
      const decoded = decodePayload(payload, this.limits);
      if (!decoded.ok) return await this.reject(topic, payload, receivedAt, decoded.reject);
      const input: IngestInput = { source: 'mqtt', origin: topic, candidates: decoded.candidates, raw: payload, receivedAt, defaults: match.defaults };
      const outcome = await this.ingestor.ingest(input);
      this.counters.pointsAccepted += outcome.accepted;
      this.counters.pointsRejected += outcome.rejected.length;
    } catch (e) {
      this.counters.refused++;
      throw e;
    }
  }

  stats(): MqttIngestStats {
    return { ...this.counters, inputsRejected: { ...this.counters.inputsRejected } };
  }

  private async reject(topic: string, payload: Buffer, receivedAt: number, reject: Reject): Promise<void> {
    // The store keeps a bounded prefix of `raw` (and its full size), so a 10 MB payload stays cheap.
    await this.ingestor.rejectInput({ source: 'mqtt', origin: topic, raw: payload, receivedAt }, reject);
    const r = this.counters.inputsRejected;
    r[reject.reason] = (r[reject.reason] ?? 0) + 1;
  }
}
