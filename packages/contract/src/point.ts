/**
 * The point model: one measurement of one metric of one device at one instant.
 * Everything that flows through Outpost (ingest, store, engine, uplink) is made of these.
 */
export type Quality = 'good' | 'uncertain' | 'bad';

export type PointValue = number | boolean | string;

export interface Point {
  /** Device id, unique within a gateway (and within an organisation on the hub). */
  device: string;
  /** Metric name, e.g. `temperature`, `active_power`. */
  metric: string;
  /** Timestamp in epoch milliseconds (UTC), after normalisation. */
  ts: number;
  /**
   * The measured value. `null` marks a gap (e.g. a failed Modbus read) and is only valid with
   * `quality: 'bad'`, so a missing reading is recorded rather than silently absent.
   */
  value: PointValue | null;
  /** Unit after normalisation, e.g. `kW`, `degC`. */
  unit?: string;
  /** Quality flag; absent means `good`. */
  quality?: Quality;
  tags?: Record<string, string>;
  /**
   * Transient attributes: payload fields named in `gateway.ingest.attributes` (e.g. a sender's
   * sequence number), carried in memory to alert rules and action templates (`{attr.<name>}`).
   * Not stored with the point, not uplinked; kept only in an alert's triggering points.
   */
  attrs?: Record<string, PointAttr>;
}

export type PointAttr = string | number | boolean;

/**
 * What a connector hands to the gateway before validation: fields may be missing or of
 * the wrong type — normalisation decides, and every reject carries a reason.
 */
export interface PointCandidate {
  device?: unknown;
  metric?: unknown;
  ts?: unknown;
  value?: unknown;
  unit?: unknown;
  quality?: unknown;
  tags?: unknown;
}

export const QUALITIES: readonly Quality[] = ['good', 'uncertain', 'bad'];
