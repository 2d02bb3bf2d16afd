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
 * With `eachPoint: true` every point past the level is an alert of its own, raised and cleared at
 * once, so actions run per point (the "alert on every reading over the limit" flow).
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
  const eachPoint = spec.eachPoint ?? false;
  if (typeof eachPoint !== 'boolean') throw invalid(`${path}.eachPoint`, `must be true or false, got ${JSON.stringify(spec.eachPoint)}`);
  if (eachPoint && forMs > 0) throw invalid(`${path}.forSeconds`, 'does not apply with eachPoint: true (every point past the level is its own alert); remove one of them');
  if (eachPoint) return eachPointThreshold(metric, isOn, describe);
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

/** Stateless: a raise and an immediate clear per point past the level (history keeps one record each). */
function eachPointThreshold(metric: string, isOn: (v: number) => boolean, describe: string): RuleEvaluator {
  return {
    metrics: [metric],
    onPoint(p) {
      const v = numericValue(p.value);
      if (v === undefined || !isOn(v)) return undefined;
      const points = [p];
      return [
        { type: 'raise', key: p.device, device: p.device, value: v, points, message: `${p.device} ${metric} = ${v} ${describe}` },
        { type: 'clear', key: p.device, device: p.device, value: v, points, message: 'single-point alert (eachPoint)' },
      ];
    },
  };
}
