/**
 * A centrifugal pump on a variable-speed drive, with vibration:
 * - flow scales with speed and valve opening; pressure follows the pump curve
 *   (head ~ speed^2, falling with flow^2); motor current from hydraulic power / efficiencies;
 * - vibration RMS is computed from a synthetic velocity waveform: 1x (unbalance), 2x
 *   (misalignment), 3x and vane-pass (5x) harmonics of the shaft speed plus broadband noise;
 * - bearing temperature lags towards ambient + load heating; the over-temperature fault (a worn
 *   bearing) adds heat and raises the 2x/3x harmonics, as real bearing wear does;
 * - it stops for maintenance windows on a fixed cycle (the `running` coil).
 */
import { clamp, ouStep, type Rng } from '../prng.js';
import type { DeviceModel, MetricDef, MetricValue } from './types.js';

export interface PumpOptions {
  ratedRpm?: number;
  /** m3/h at full speed, valve open. */
  ratedFlow?: number;
  /** bar at zero flow, full speed. */
  shutoffPressure?: number;
  /** Stops for `stopMinutes` every `cycleMinutes` (0 = never stops). */
  cycleMinutes?: number;
  stopMinutes?: number;
}

const WAVE_SAMPLES = 256;
const WAVE_WINDOW_S = 0.5;

/** RMS of a velocity waveform (mm/s) with the given harmonic amplitudes of `shaftHz`, plus noise. */
export function vibrationRms(shaftHz: number, amplitudes: readonly number[], noise: number, rng: Rng): number {
  const phases = amplitudes.map(() => rng.uniform(0, 2 * Math.PI));
  let sumSq = 0;
  for (let n = 0; n < WAVE_SAMPLES; n++) {
    const t = (n / WAVE_SAMPLES) * WAVE_WINDOW_S;
    let v = rng.normal(0, noise);
    amplitudes.forEach((a, k) => { v += a * Math.sin(2 * Math.PI * shaftHz * (k + 1) * t + phases[k]!); });
    sumSq += v * v;
  }
  return Math.sqrt(sumSq / WAVE_SAMPLES);
}

export function createPump(opts: PumpOptions = {}): DeviceModel {
  const ratedRpm = opts.ratedRpm ?? 1480;
  const ratedFlow = opts.ratedFlow ?? 120;
  const shutoff = opts.shutoffPressure ?? 6;
  const cycleMs = (opts.cycleMinutes ?? 240) * 60_000;
  const stopMs = (opts.stopMinutes ?? 10) * 60_000;
  // Pressure at rated flow and full speed is 60 % of shut-off: k = 0.4 * shutoff / ratedFlow^2.
  const curveK = (0.4 * shutoff) / ratedFlow ** 2;
  const metrics: MetricDef[] = [
    { name: 'running', nominal: 1, modbus: { function: 'coil', type: 'bool' } },
    { name: 'speed', unit: 'rpm', nominal: ratedRpm, modbus: { function: 'holding', type: 'uint16' } },
    { name: 'flow', unit: 'm3/h', nominal: ratedFlow, modbus: { function: 'holding', type: 'uint16', scale: 0.1 } },
    { name: 'pressure', unit: 'bar', nominal: shutoff, modbus: { function: 'holding', type: 'uint16', scale: 0.01 } },
    { name: 'motor_current', unit: 'A', nominal: 30, modbus: { function: 'holding', type: 'uint16', scale: 0.01 } },
    { name: 'vibration_rms', unit: 'mm/s', nominal: 2, modbus: { function: 'holding', type: 'uint16', scale: 0.001 } },
    { name: 'temperature', unit: 'degC', nominal: 50, modbus: { function: 'holding', type: 'int16', scale: 0.1 } },
  ];
  let speedFrac = 0.9;
  let valve = 0.9;
  let bearing: number | undefined;
  let started: number | undefined;

  return {
    kind: 'pump',
    metrics,
    defaultFaultMetric: 'vibration_rms',
    step(t, dtMs, faults, rng: Rng): Record<string, MetricValue> {
      started ??= t;
      const running = cycleMs === 0 || (t - started) % cycleMs < cycleMs - stopMs;
      speedFrac = clamp(ouStep(speedFrac, 0.9, 1 / 300, 0.01, dtMs, rng), 0.6, 1);
      valve = clamp(ouStep(valve, 0.85, 1 / 120, 0.01, dtMs, rng), 0.3, 1);
      const s = running ? speedFrac : 0;
      const flow = ratedFlow * s * valve;
      const pressure = Math.max(0, shutoff * s * s - curveK * flow * flow) + (running ? rng.normal(0, 0.01) : 0);
      const hydraulicW = (flow / 3600) * pressure * 1e5;
      const electricW = running ? hydraulicW / 0.72 / 0.92 + 600 : 0; // + magnetising/friction losses
      const current = electricW / (Math.sqrt(3) * 400 * 0.86);
      const wear = faults.overTemperature > 0 ? 1 + faults.overTemperature / 10 : 1;
      const shaftHz = (ratedRpm * s) / 60;
      const vib = running
        ? vibrationRms(shaftHz, [1.3 * s, 0.4 * s * wear, 0.2 * s * wear, 0, 0.3 * s], 0.15, rng)
        : vibrationRms(1, [], 0.03, rng);
      const ambient = 25;
      const target = ambient + (running ? 22 * (electricW / 25_000 + 0.3) : 0) + faults.overTemperature;
      const prev = bearing ?? target;
      bearing = prev + (target - prev) * (1 - Math.exp(-dtMs / 1000 / 900));
      return { running, speed: ratedRpm * s, flow, pressure, motor_current: current, vibration_rms: vib, temperature: bearing };
    },
  };
}
