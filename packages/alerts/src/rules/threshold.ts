import type { Point } from '@outpost/contract';
import type { RuleEvaluator, Transition } from '../types.js';
import { invalid, num, numericValue, str } from './spec-errors.js';

export const THRESHOLD_OPS = ['>', '>=', '<', '<=', 'between', 'outside'] as const;
type Op = (typeof THRESHOLD_OPS)[number];

interface State { raised: boolean; since?: number; last?: Point }

/**
 * Threshold with hysteresis and a for-duration. `>`/`>=`: raise above `raise`, clear below `clear`
 * (default: `raise`), so `clear` must not be above `raise`; `<`/`<=` mirror it. `between`/`outside`
 * take `low`/`high` and a `hysteresis` margin the value must move back past before clearing.
 * With `forSeconds` the condition must hold that long (by point time, and by clock on ticks).
 */
export function compileThreshold(spec: Record<string, unknown>, path: string): RuleEvaluator {
  const metric = str(spec, 'metric', path);
  const op = spec.op as Op;
  if (!THRESHOLD_OPS.includes(op)) throw invalid(`${path}.op`, `must be one of ${THRESHOLD_OPS.join(', ')}, got ${JSON.stringify(spec.op)}`);
  const forMs = num(spec, 'forSeconds', path, { min: 0, def: 0 }) * 1000;
  let isOn: (v: number) => boolean;
  let isOff: (v: number) => boolean;
  let describe: string;
  if (op === 'between' || op === 'outside') {
    const low = num(spec, 'low', path, { required: true });
    const high = num(spec, 'high', path, { required: true });
    const h = num(spec, 'hysteresis', path, { min: 0, def: 0 });
    if (low > high) throw invalid(`${path}.low`, `low (${low}) must not be above high (${high})`);
    if (op === 'between') {
      isOn = (v) => v >= low && v <= high;
      isOff = (v) => v < low - h || v > high + h;
      describe = `in [${low}, ${high}]`;
    } else {
      if (low + h > high - h) throw invalid(`${path}.hysteresis`, `hysteresis ${h} leaves no clear band inside [${low}, ${high}]`);
      isOn = (v) => v < low || v > high;
      isOff = (v) => v >= low + h && v <= high - h;
      describe = `outside [${low}, ${high}]`;
    }
  } else {
    const raise = num(spec, 'raise', path, { required: true });
    const clear = num(spec, 'clear', path, { def: raise });
    const upward = op === '>' || op === '>=';
    if (upward && raise < clear) throw invalid(`${path}.raise`, `raise level ${raise} is below the clear level ${clear}; for '${op}' the alert clears when the value falls below clear, so clear must be ≤ raise`, { raise, clear });
    if (!upward && raise > clear) throw invalid(`${path}.raise`, `raise level ${raise} is above the clear level ${clear}; for '${op}' the alert clears when the value rises above clear, so clear must be ≥ raise`, { raise, clear });
    const cmp: Record<string, (v: number) => boolean> = { '>': (v) => v > raise, '>=': (v) => v >= raise, '<': (v) => v < raise, '<=': (v) => v <= raise };
    isOn = cmp[op]!;
    isOff = upward ? (v) => v < clear : (v) => v > clear;
    describe = `${op} ${raise}`;
  }
  const states = new Map<string, State>();
  const raiseNow = (device: string, s: State, p: Point): Transition => {
    s.raised = true;
    s.since = undefined;
    return { type: 'raise', key: device, device, value: numericValue(p.value), points: [p], message: `${device} ${metric} = ${String(p.value)} ${describe}${forMs ? ` for ${forMs / 1000}s` : ''}` };
  };
  return {
    metrics: [metric],
    restore(key) { states.set(key, { ...states.get(key), raised: true, since: undefined }); },
    onPoint(p) {
      const v = numericValue(p.value);
      if (v === undefined) return undefined;
      let s = states.get(p.device);
      if (!s) states.set(p.device, (s = { raised: false }));
      s.last = p;
      if (!s.raised) {
        if (!isOn(v)) { s.since = undefined; return undefined; }
        s.since ??= p.ts;
        if (p.ts - s.since >= forMs) return [raiseNow(p.device, s, p)];
        return undefined;
      }
      if (isOff(v)) {
        s.raised = false;
        return [{ type: 'clear', key: p.device, device: p.device, value: v, points: [p], message: `${p.device} ${metric} = ${v} back within bounds` }];
      }
      return undefined;
    },
    onTick(now) {
      if (forMs === 0) return undefined;
      const out: Transition[] = [];
      for (const [device, s] of states) {
        if (!s.raised && s.since !== undefined && s.last && now - s.since >= forMs) out.push(raiseNow(device, s, s.last));
      }
      return out;
    },
  };
}
