/**
 * Linear unit conversions for the units plants send most (power, energy, temperature, pressure,
 * electrical, flow, speed). A small table rather than a general units library: conversions run
 * per point on the hot path and must be a multiply-add, and unknown units must be rejected
 * explicitly rather than guessed. Each unit maps to (dimension, factor, offset) of its SI base:
 * base = value * factor + offset.
 */
interface UnitDef { dim: string; factor: number; offset: number }

const U = (dim: string, factor: number, offset = 0): UnitDef => ({ dim, factor, offset });

const UNITS: Record<string, UnitDef> = {
  W: U('power', 1), kW: U('power', 1e3), MW: U('power', 1e6), GW: U('power', 1e9),
  Wh: U('energy', 3600), kWh: U('energy', 3.6e6), MWh: U('energy', 3.6e9), J: U('energy', 1), kJ: U('energy', 1e3), MJ: U('energy', 1e6),
  degC: U('temperature', 1, 273.15), '°C': U('temperature', 1, 273.15), C: U('temperature', 1, 273.15),
  degF: U('temperature', 5 / 9, 273.15 - (32 * 5) / 9), '°F': U('temperature', 5 / 9, 273.15 - (32 * 5) / 9), F: U('temperature', 5 / 9, 273.15 - (32 * 5) / 9),
  K: U('temperature', 1),
  Pa: U('pressure', 1), kPa: U('pressure', 1e3), MPa: U('pressure', 1e6), bar: U('pressure', 1e5), mbar: U('pressure', 100), psi: U('pressure', 6894.757293168),
  V: U('voltage', 1), mV: U('voltage', 1e-3), kV: U('voltage', 1e3),
  A: U('current', 1), mA: U('current', 1e-3), kA: U('current', 1e3),
  'm3/h': U('flow', 1 / 3600), 'm3/s': U('flow', 1), 'L/s': U('flow', 1e-3), 'L/min': U('flow', 1e-3 / 60),
  'm/s': U('speed', 1), 'km/h': U('speed', 1 / 3.6), mph: U('speed', 0.44704), kn: U('speed', 0.514444),
  m: U('length', 1), mm: U('length', 1e-3), km: U('length', 1e3),
  '%': U('ratio', 0.01), ratio: U('ratio', 1),
  Hz: U('frequency', 1), rpm: U('frequency', 1 / 60),
  'W/m2': U('irradiance', 1), 'kW/m2': U('irradiance', 1e3),
  'mm/s': U('velocity_rms', 1e-3), 'g': U('acceleration', 9.80665), 'm/s2': U('acceleration', 1),
};

export type Converter = (v: number) => number;

/** A function converting `from` into `to`, or an error message naming both units. */
export function converter(from: string, to: string): Converter | string {
  if (from === to) return (v) => v;
  const a = UNITS[from];
  const b = UNITS[to];
  if (!a) return `unknown unit "${from}" (known: ${Object.keys(UNITS).join(', ')})`;
  if (!b) return `unknown unit "${to}" (known: ${Object.keys(UNITS).join(', ')})`;
  if (a.dim !== b.dim) return `cannot convert ${from} (${a.dim}) to ${to} (${b.dim})`;
  const k = a.factor / b.factor;
  const c = (a.offset - b.offset) / b.factor;
  return c === 0 ? (v) => v * k : (v) => v * k + c;
}

export function isKnownUnit(u: string): boolean {
  return u in UNITS;
}
