/**
 * Unit conversion for the unit names Outpost normalises to (`degC`, `kW`, `bar`, …). Every unit
 * is an affine map to its dimension's base unit (x_base = x * factor + offset). A table rather
 * than a units library: the names are Outpost's own, and a linear table is all conversion needs.
 */
interface UnitDef { dim: string; factor: number; offset?: number }

const U: Record<string, UnitDef> = {
  // temperature (base K)
  K: { dim: 'temperature', factor: 1 }, degC: { dim: 'temperature', factor: 1, offset: 273.15 },
  degF: { dim: 'temperature', factor: 5 / 9, offset: 273.15 - (32 * 5) / 9 },
  // power (base W)
  W: { dim: 'power', factor: 1 }, kW: { dim: 'power', factor: 1e3 }, MW: { dim: 'power', factor: 1e6 }, hp: { dim: 'power', factor: 745.699872 },
  // energy (base J)
  J: { dim: 'energy', factor: 1 }, kJ: { dim: 'energy', factor: 1e3 }, MJ: { dim: 'energy', factor: 1e6 },
  Wh: { dim: 'energy', factor: 3600 }, kWh: { dim: 'energy', factor: 3.6e6 }, MWh: { dim: 'energy', factor: 3.6e9 },
  // pressure (base Pa)
  Pa: { dim: 'pressure', factor: 1 }, hPa: { dim: 'pressure', factor: 100 }, kPa: { dim: 'pressure', factor: 1e3 }, MPa: { dim: 'pressure', factor: 1e6 },
  mbar: { dim: 'pressure', factor: 100 }, bar: { dim: 'pressure', factor: 1e5 }, psi: { dim: 'pressure', factor: 6894.757293168 },
  // length (base m)
  mm: { dim: 'length', factor: 1e-3 }, cm: { dim: 'length', factor: 1e-2 }, m: { dim: 'length', factor: 1 }, km: { dim: 'length', factor: 1e3 },
  in: { dim: 'length', factor: 0.0254 }, ft: { dim: 'length', factor: 0.3048 },
  // mass (base kg)
  g: { dim: 'mass', factor: 1e-3 }, kg: { dim: 'mass', factor: 1 }, t: { dim: 'mass', factor: 1e3 }, lb: { dim: 'mass', factor: 0.45359237 },
  // volume flow (base m3/s)
  'm3/s': { dim: 'flow', factor: 1 }, 'm3/h': { dim: 'flow', factor: 1 / 3600 }, 'l/s': { dim: 'flow', factor: 1e-3 }, 'l/min': { dim: 'flow', factor: 1e-3 / 60 },
  // speed (base m/s)
  'm/s': { dim: 'speed', factor: 1 }, 'km/h': { dim: 'speed', factor: 1 / 3.6 },
  // time (base s)
  ms: { dim: 'time', factor: 1e-3 }, s: { dim: 'time', factor: 1 }, min: { dim: 'time', factor: 60 }, h: { dim: 'time', factor: 3600 },
  // electrical
  mA: { dim: 'current', factor: 1e-3 }, A: { dim: 'current', factor: 1 },
  mV: { dim: 'voltage', factor: 1e-3 }, V: { dim: 'voltage', factor: 1 }, kV: { dim: 'voltage', factor: 1e3 },
  Hz: { dim: 'frequency', factor: 1 }, kHz: { dim: 'frequency', factor: 1e3 }, rpm: { dim: 'frequency', factor: 1 / 60 },
  // ratio (base 1)
  '%': { dim: 'ratio', factor: 0.01 }, ratio: { dim: 'ratio', factor: 1 },
};

export const UNITS = Object.keys(U);

/** A converter from one unit to another, or a reason why there is none. */
export function unitConverter(from: string, to: string): ((x: number) => number) | string {
  const a = U[from], b = U[to];
  if (!a) return `unknown unit '${from}'`;
  if (!b) return `unknown unit '${to}'`;
  if (a.dim !== b.dim) return `cannot convert ${a.dim} (${from}) to ${b.dim} (${to})`;
  const fa = a.factor, oa = a.offset ?? 0, fb = b.factor, ob = b.offset ?? 0;
  return (x) => (x * fa + oa - ob) / fb;
}
