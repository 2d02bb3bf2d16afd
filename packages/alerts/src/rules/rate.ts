import type { Point } from '@outpost/contract';
import type { RuleEvaluator } from '../types.js';
import { invalid, num, numericValue, str } from './spec-errors.js';

/**
 * Rate of change per second between consecutive points of a device: `direction` rise (rate >
 * limit), fall (rate < −limit) or either (|rate| > limit). Clears when the rate is back under
 * `clearPerSecond` (default: the limit).
 */
export function compileRate(spec: Record<string, unknown>, path: string): RuleEvaluator {
  const metric = str(spec, 'metric', path);
  const limit = num(spec, 'perSecond', path, { required: true, min: 0 });
  const clear = num(spec, 'clearPerSecond', path, { min: 0, def: limit });
  if (clear > limit) throw invalid(`${path}.clearPerSecond`, `clear rate ${clear} is above the raise rate ${limit}; it must be ≤ perSecond`);
  const direction = str(spec, 'direction', path, 'either');
  if (!['rise', 'fall', 'either'].includes(direction)) throw invalid(`${path}.direction`, `must be rise, fall or either, got ${JSON.stringify(direction)}`);
  const signed = (r: number) => (direction === 'rise' ? r : direction === 'fall' ? -r : Math.abs(r));
  const last = new Map<string, { p: Point; v: number; raised: boolean }>();
  const restored = new Set<string>();
  return {
    metrics: [metric],
    restore(key) { restored.add(key); },
    onPoint(p) {
      const v = numericValue(p.value);
      if (v === undefined) return undefined;
      const prev = last.get(p.device);
      last.set(p.device, { p, v, raised: prev?.raised ?? restored.delete(p.device) });
      if (!prev || p.ts <= prev.p.ts) return undefined;
      const rate = (v - prev.v) / ((p.ts - prev.p.ts) / 1000);
      const s = last.get(p.device)!;
      const r = signed(rate);
      if (!s.raised && r > limit) {
        s.raised = true;
        return [{ type: 'raise', key: p.device, device: p.device, value: rate, points: [prev.p, p], message: `${p.device} ${metric} changes at ${rate.toFixed(3)}/s (limit ${limit}/s)` }];
      }
      if (s.raised && r <= clear) {
        s.raised = false;
        return [{ type: 'clear', key: p.device, device: p.device, value: rate, points: [prev.p, p], message: `${p.device} ${metric} rate back to ${rate.toFixed(3)}/s` }];
      }
      return undefined;
    },
  };
}
