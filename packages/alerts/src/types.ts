import type { Point } from '@outpost/contract';

export type Severity = 'info' | 'warning' | 'critical';
export type RuleLocation = 'edge' | 'cloud' | 'both';

/**
 * What an evaluator says about one alert key (a device, or device + metric / string / fence event):
 * start the alert (`raise`) or end it (`clear`). The lifecycle turns these into stored alerts;
 * an evaluator never needs to know whether an alert is already open.
 */
export interface Transition {
  type: 'raise' | 'clear';
  /** Identifies the alert within its rule, e.g. `inv-1` or `inv-1/string_current_3` or `truck-7/enter`. */
  key: string;
  device: string;
  message: string;
  /** The points that triggered the transition (the latest few, bounded). */
  points: readonly Point[];
  /** A rule-specific value worth keeping (ratio, rate, score…). */
  value?: number;
}

/** A pure evaluator with per-key state; `now` comes from the injected clock. */
export interface RuleEvaluator {
  /** Metrics the rule consumes; the engine routes only those points to it. */
  readonly metrics: readonly string[];
  onPoint(p: Point, now: number): Transition[] | undefined;
  /** Time-driven checks (missing data, for-durations, dwell). */
  onTick?(now: number): Transition[] | undefined;
  /**
   * An alert of this rule is open from before this evaluator existed (a restart, a new rule set):
   * take the key as raised, so the next point back within bounds clears it. Without it a fresh
   * evaluator would never clear an alert it did not raise itself.
   */
  restore?(key: string, device: string): void;
}

/** Thrown by rule compilers with a JSON-pointer-like path so config errors name the setting. */
export interface RuleContext {
  /** e.g. `gateway.alerts.rules[3]` */
  path: string;
}

export const MAX_TRIGGER_POINTS = 5;
