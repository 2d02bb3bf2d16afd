import type { Point } from '@outpost/contract';
import type { RuleEvaluator } from '../types.js';
import { invalid, num, str } from './spec-errors.js';

/**
 * Missing data: no point of `metric` from a device for `afterSeconds`, checked on each tick.
 * Devices are known once seen, or up front from `devices` (watched from rule start), so a device
 * that never reports at all still raises. The next point clears it.
 */
export function compileMissing(spec: Record<string, unknown>, path: string, now: number): RuleEvaluator {
  const metric = str(spec, 'metric', path);
  const afterMs = num(spec, 'afterSeconds', path, { required: true, min: 0.001 }) * 1000;
  const devices = spec.devices;
  if (devices !== undefined && (!Array.isArray(devices) || devices.some((d) => typeof d !== 'string' || d.includes('*')))) {
    throw invalid(`${path}.devices`, 'must be a list of exact device ids for a missing-data rule');
  }
  const seen = new Map<string, { at: number; last?: Point; raised: boolean }>();
  for (const d of (devices as string[] | undefined) ?? []) seen.set(d, { at: now, raised: false });
  return {
    metrics: [metric],
    restore(key) { seen.set(key, { ...seen.get(key), at: now, raised: true }); },
    onPoint(p, at) {
      const s = seen.get(p.device);
      seen.set(p.device, { at, last: p, raised: false });
      if (s?.raised) return [{ type: 'clear', key: p.device, device: p.device, points: [p], message: `${p.device} ${metric} reporting again` }];
      return undefined;
    },
    onTick(at) {
      const out = [];
      for (const [device, s] of seen) {
        if (!s.raised && at - s.at >= afterMs) {
          s.raised = true;
          out.push({ type: 'raise' as const, key: device, device, value: (at - s.at) / 1000, points: s.last ? [s.last] : [], message: `${device} sent no ${metric} for ${Math.round((at - s.at) / 1000)}s (limit ${afterMs / 1000}s)` });
        }
      }
      return out;
    },
  };
}
