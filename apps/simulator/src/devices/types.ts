import type { ByteOrder, RegisterType } from '@outpost/connectors/modbus/index';
import type { Rng } from '../prng.js';

export type DeviceKind = 'solar_inverter' | 'energy_meter' | 'pump' | 'gps_tracker';
export type MetricValue = number | boolean;

/** One metric a device model produces, and how the simulator's Modbus server lays it out. */
export interface MetricDef {
  name: string;
  unit?: string;
  /** Typical magnitude: the default size of spike and drift faults. */
  nominal: number;
  modbus: {
    function: 'holding' | 'coil' | 'discrete';
    type: RegisterType;
    scale?: number;
    offset?: number;
    wordOrder?: ByteOrder;
  };
}

/** Physical faults the model itself must simulate (signal faults are applied after it). */
export interface PhysicalFaults {
  /** Extra heating in degC at steady state (fan failure, bearing wear); 0 when healthy. */
  overTemperature: number;
  /** Solar inverter: 1-based string index -> fraction of current that string still delivers. */
  strings: Map<number, number>;
}

export interface DeviceModel {
  readonly kind: DeviceKind;
  readonly metrics: readonly MetricDef[];
  /** Metric used by spike/drift/stuck faults that name none. */
  readonly defaultFaultMetric: string;
  /**
   * Advance the model to time `t` (epoch ms); `dtMs` is the time since the previous step (0 on
   * the first). Returns every metric's value at `t`.
   */
  step(t: number, dtMs: number, faults: PhysicalFaults, rng: Rng): Record<string, MetricValue>;
}
