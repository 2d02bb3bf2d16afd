/**
 * A three-phase energy meter on a factory feeder: load follows a working-day profile with random
 * wander; voltage sags slightly under load; current = P / (3 x V x PF); the energy counter only
 * ever increases by the integral of power. Register layout follows common meters: the 32-bit
 * energy counter is sent low word first (CDAB).
 */
import { clamp, ouStep, type Rng } from '../prng.js';
import type { DeviceModel, MetricDef, MetricValue } from './types.js';

export interface EnergyMeterOptions {
  /** Feeder peak load in kW. */
  peakKw?: number;
  /** Phase-to-neutral nominal voltage. */
  voltage?: number;
  /** Counter reading at start, kWh. */
  initialKwh?: number;
  utcOffsetHours?: number;
}

export function createEnergyMeter(opts: EnergyMeterOptions = {}): DeviceModel {
  const peak = opts.peakKw ?? 40;
  const vNom = opts.voltage ?? 230;
  const utcOffset = opts.utcOffsetHours ?? 0;
  const metrics: MetricDef[] = [
    { name: 'active_power', unit: 'kW', nominal: peak, modbus: { function: 'holding', type: 'float32' } },
    { name: 'voltage', unit: 'V', nominal: vNom, modbus: { function: 'holding', type: 'uint16', scale: 0.1 } },
    { name: 'current', unit: 'A', nominal: (peak * 1000) / (3 * vNom), modbus: { function: 'holding', type: 'uint16', scale: 0.01 } },
    { name: 'power_factor', nominal: 1, modbus: { function: 'holding', type: 'uint16', scale: 0.001 } },
    { name: 'frequency', unit: 'Hz', nominal: 50, modbus: { function: 'holding', type: 'uint16', scale: 0.01 } },
    { name: 'energy_total', unit: 'kWh', nominal: 1000, modbus: { function: 'holding', type: 'uint32', scale: 0.01, wordOrder: 'little' } },
  ];
  let wander = 0;
  let energy: number | undefined;
  let freqDev = 0;

  return {
    kind: 'energy_meter',
    metrics,
    defaultFaultMetric: 'active_power',
    step(t: number, dtMs: number, _faults, rng: Rng): Record<string, MetricValue> {
      energy ??= opts.initialKwh ?? Math.round(rng.uniform(10_000, 90_000));
      const hour = (((t / 3_600_000 + utcOffset) % 24) + 24) % 24;
      const weekday = Math.floor(t / 86_400_000 + 4) % 7 < 5; // 1970-01-01 was a Thursday
      const shift = weekday && hour >= 7 && hour < 19 ? 0.5 + 0.15 * Math.sin((Math.PI * (hour - 7)) / 12) : 0;
      wander = ouStep(wander, 0, 1 / 120, 0.02, dtMs, rng);
      const load = clamp(0.25 + shift + wander + rng.normal(0, 0.01), 0.05, 1.1);
      const power = peak * load;
      const voltage = vNom * (1 - 0.025 * load) + rng.normal(0, 0.3);
      const pf = clamp(0.86 + 0.1 * Math.min(1, load) + rng.normal(0, 0.004), 0.5, 0.999);
      freqDev = clamp(ouStep(freqDev, 0, 1 / 30, 0.004, dtMs, rng), -0.2, 0.2);
      energy += (power * dtMs) / 3_600_000;
      return {
        active_power: power,
        voltage,
        current: (power * 1000) / (3 * voltage * pf),
        power_factor: pf,
        frequency: 50 + freqDev,
        energy_total: energy,
      };
    },
  };
}
