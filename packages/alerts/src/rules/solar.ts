import type { Point } from '@outpost/contract';
import type { RuleEvaluator, Transition } from '../types.js';
import { invalid, num, numericValue, str } from './spec-errors.js';

/**
 * Performance ratio: PR = P_ac / P_expected with
 *   P_expected = P_stc × (G / 1000 W/m²) × (1 + γ × (T_cell − 25 °C))
 * (IEC 61724-style temperature-corrected PR; γ is the module power temperature coefficient,
 * about −0.004/°C for crystalline silicon). Evaluated on each power point with the device's
 * latest irradiance and module temperature (or those of `sensorDevice`, a weather station),
 * only while G ≥ `minIrradiance` so dawn and dusk noise does not alert.
 */
export function compilePerformanceRatio(spec: Record<string, unknown>, path: string): RuleEvaluator {
  const power = str(spec, 'powerMetric', path, 'ac_power');
  const irr = str(spec, 'irradianceMetric', path, 'irradiance');
  const temp = str(spec, 'temperatureMetric', path, 'module_temp');
  const ratedKw = num(spec, 'ratedPowerKw', path, { required: true, min: 0.001 });
  const gamma = num(spec, 'tempCoefficient', path, { def: -0.004 });
  const bound = num(spec, 'below', path, { required: true, min: 0 });
  const clear = num(spec, 'clearAbove', path, { def: bound });
  if (clear < bound) throw invalid(`${path}.clearAbove`, `clear level ${clear} is below the raise bound ${bound}; it must be ≥ below`);
  const minG = num(spec, 'minIrradiance', path, { min: 0, def: 200 });
  const sensor = spec.sensorDevice === undefined ? undefined : str(spec, 'sensorDevice', path);
  const latest = new Map<string, { g?: Point; t?: Point }>();
  const raised = new Set<string>();
  return {
    metrics: [power, irr, temp],
    restore(key) { raised.add(key); },
    onPoint(p) {
      const v = numericValue(p.value);
      if (v === undefined) return undefined;
      if (p.metric === irr || p.metric === temp) {
        const e = latest.get(p.device) ?? {};
        if (p.metric === irr) e.g = p; else e.t = p;
        latest.set(p.device, e);
        if (p.metric !== power) return undefined;
      }
      const env = latest.get(sensor ?? p.device);
      const g = numericValue(env?.g?.value);
      if (g === undefined || g < minG) return undefined;
      const t = numericValue(env?.t?.value) ?? 25;
      const expected = ratedKw * (g / 1000) * (1 + gamma * (t - 25));
      if (expected <= 0) return undefined;
      const pr = v / expected;
      const pts = [p, env!.g!, ...(env?.t ? [env.t] : [])];
      if (pr < bound && !raised.has(p.device)) {
        raised.add(p.device);
        return [{ type: 'raise', key: p.device, device: p.device, value: pr, points: pts, message: `${p.device} performance ratio ${pr.toFixed(3)} below ${bound} (actual ${v} kW, expected ${expected.toFixed(2)} kW at ${g} W/m², ${t} °C)` }];
      }
      if (pr >= clear && raised.delete(p.device)) return [{ type: 'clear', key: p.device, device: p.device, value: pr, points: pts, message: `${p.device} performance ratio back to ${pr.toFixed(3)}` }];
      return undefined;
    },
  };
}

/**
 * String current imbalance: an inverter's strings report metrics `<prefix><n>` (e.g.
 * `string_current_1`…). On each string point the latest value of every string of that inverter
 * seen within `windowSeconds` forms the mean; a string deviating more than `deviation` (default
 * 0.2 = 20 %) from it raises an alert keyed by inverter/string, and clears within the band.
 * Needs at least `minStrings` strings and a mean over `minMeanCurrent` (night and dawn excluded).
 */
export function compileStringImbalance(spec: Record<string, unknown>, path: string): RuleEvaluator {
  const prefix = str(spec, 'metricPrefix', path, 'string_current_');
  const strings = num(spec, 'strings', path, { required: true, min: 2 });
  if (!Number.isInteger(strings) || strings > 512) throw invalid(`${path}.strings`, `must be an integer from 2 to 512, got ${strings}`);
  const deviation = num(spec, 'deviation', path, { min: 0, def: 0.2 });
  const minStrings = num(spec, 'minStrings', path, { min: 2, def: strings });
  const windowMs = num(spec, 'windowSeconds', path, { min: 0.001, def: 60 }) * 1000;
  const minMean = num(spec, 'minMeanCurrent', path, { min: 0, def: 0.5 });
  const metrics = Array.from({ length: strings }, (_, i) => `${prefix}${i + 1}`);
  const inverters = new Map<string, Map<string, Point>>();
  const raised = new Set<string>();
  return {
    metrics,
    restore(key) { raised.add(key); },
    onPoint(p) {
      if (numericValue(p.value) === undefined) return undefined;
      let inv = inverters.get(p.device);
      if (!inv) inverters.set(p.device, (inv = new Map()));
      inv.set(p.metric, p);
      const fresh = [...inv.values()].filter((q) => p.ts - q.ts <= windowMs);
      if (fresh.length < minStrings) return undefined;
      const mean = fresh.reduce((a, q) => a + (q.value as number), 0) / fresh.length;
      if (mean < minMean) return undefined;
      const out: Transition[] = [];
      for (const q of fresh) {
        const d = ((q.value as number) - mean) / mean;
        const key = `${p.device}/${q.metric}`;
        if (Math.abs(d) > deviation && !raised.has(key)) {
          raised.add(key);
          out.push({ type: 'raise', key, device: p.device, value: d, points: [q], message: `${p.device} ${q.metric} = ${String(q.value)} A is ${(d * 100).toFixed(1)} % from the mean ${mean.toFixed(2)} A of ${fresh.length} strings` });
        } else if (Math.abs(d) <= deviation && raised.delete(key)) {
          out.push({ type: 'clear', key, device: p.device, value: d, points: [q], message: `${p.device} ${q.metric} back within ${deviation * 100} % of the mean` });
        }
      }
      return out;
    },
  };
}
