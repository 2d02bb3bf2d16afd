/**
 * Fault injection, per device. A fault is active on a schedule (start, optional repeat period)
 * and/or starts at random with a probability per second; it lasts `durationMs`.
 * Signal faults change values after the model (spike, drift, stuck); physical faults change the
 * model itself so the signature is physically consistent (over-temperature heats the device and
 * triggers derating; a string fault drops one PV string's current and the power with it);
 * a drop-out silences the device on MQTT and Modbus. Every activation is logged as ground truth.
 */
import type { Rng } from './prng.js';
import type { DeviceModel, MetricValue, PhysicalFaults } from './devices/types.js';

export const FAULT_KINDS = ['spike', 'drift', 'stuck', 'dropout', 'over_temperature', 'string_fault'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** spike/drift/stuck: the metric affected (default: the device's main metric). */
  metric?: string;
  /** Scheduled start, ms after the simulation's first step. */
  startMs?: number;
  /** With startMs: repeat every this many ms. */
  everyMs?: number;
  /** Chance per second that the fault starts while inactive. */
  probabilityPerSec?: number;
  /** How long one occurrence lasts (default 1 s for spike, 60 s otherwise). */
  durationMs?: number;
  /**
   * spike: added to the value (default 5 x the metric's nominal); drift: change per minute
   * (default 2 % of nominal); over_temperature: extra degC (default 35);
   * string_fault: fraction of current the string keeps (default 0.1).
   */
  magnitude?: number;
  /** string_fault: 1-based string index (default 1). */
  string?: number;
}

export interface FaultEvent {
  device: string;
  kind: FaultKind;
  metric?: string;
  start: number;
  end?: number;
}

interface FaultState {
  spec: FaultSpec;
  metric?: string;
  duration: number;
  active: boolean;
  since: number;
  until: number;
  frozen?: MetricValue;
  event?: FaultEvent;
}

export class FaultInjector {
  private readonly states: FaultState[];
  private t0: number | undefined;
  readonly events: FaultEvent[] = [];

  constructor(private readonly device: string, private readonly model: DeviceModel, specs: readonly FaultSpec[], private readonly rng: Rng) {
    this.states = specs.map((spec) => {
      const signal = spec.kind === 'spike' || spec.kind === 'drift' || spec.kind === 'stuck';
      const s: FaultState = { spec, duration: spec.durationMs ?? (spec.kind === 'spike' ? 1000 : 60_000), active: false, since: 0, until: 0 };
      if (signal) s.metric = spec.metric ?? model.defaultFaultMetric;
      return s;
    });
  }

  /** Decide which faults are active at `t`; returns what the model must simulate. */
  begin(t: number, dtMs: number): { physical: PhysicalFaults; dropout: boolean } {
    this.t0 ??= t;
    const rel = t - this.t0;
    const physical: PhysicalFaults = { overTemperature: 0, strings: new Map() };
    let dropout = false;
    for (const s of this.states) {
      const { spec } = s;
      let on = s.active && t < s.until;
      if (!on && spec.startMs !== undefined && rel >= spec.startMs) {
        const into = spec.everyMs ? (rel - spec.startMs) % spec.everyMs : rel - spec.startMs;
        on = into < s.duration;
        if (on && !s.active) s.until = t - into + s.duration;
      }
      if (!on && spec.probabilityPerSec && dtMs > 0 && this.rng.chance(1 - (1 - spec.probabilityPerSec) ** (dtMs / 1000))) {
        on = true;
        s.until = t + s.duration;
      }
      if (on && !s.active) this.activate(s, t);
      if (!on && s.active) this.deactivate(s, t);
      if (!on) continue;
      if (spec.kind === 'dropout') dropout = true;
      if (spec.kind === 'over_temperature') physical.overTemperature += spec.magnitude ?? 35;
      if (spec.kind === 'string_fault') physical.strings.set(spec.string ?? 1, spec.magnitude ?? 0.1);
    }
    return { physical, dropout };
  }

  /** Apply the active signal faults (spike, drift, stuck) to the model's values. */
  apply(t: number, values: Record<string, MetricValue>): Record<string, MetricValue> {
    const out = { ...values };
    for (const s of this.states) {
      if (!s.active || s.metric === undefined) continue;
      const v = out[s.metric];
      if (v === undefined) continue;
      const nominal = this.model.metrics.find((m) => m.name === s.metric)?.nominal ?? 1;
      if (s.spec.kind === 'stuck') {
        s.frozen ??= v;
        out[s.metric] = s.frozen;
      } else if (typeof v === 'boolean') {
        out[s.metric] = !v;
      } else if (s.spec.kind === 'spike') {
        out[s.metric] = v + (s.spec.magnitude ?? 5 * nominal);
      } else if (s.spec.kind === 'drift') {
        out[s.metric] = v + ((s.spec.magnitude ?? 0.02 * nominal) * (t - s.since)) / 60_000;
      }
    }
    return out;
  }

  activeKinds(): FaultKind[] {
    return this.states.filter((s) => s.active).map((s) => s.spec.kind);
  }

  private activate(s: FaultState, t: number): void {
    s.active = true;
    s.since = t;
    delete s.frozen;
    s.event = s.metric === undefined ? { device: this.device, kind: s.spec.kind, start: t } : { device: this.device, kind: s.spec.kind, metric: s.metric, start: t };
    this.events.push(s.event);
  }

  private deactivate(s: FaultState, t: number): void {
    s.active = false;
    if (s.event) s.event.end = t;
    delete s.event;
  }
}
