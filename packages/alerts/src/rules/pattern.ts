import type { Point } from '@outpost/contract';
import type { RuleEvaluator, Transition } from '../types.js';
import { invalid, num, numericValue, str } from './spec-errors.js';

const MAX_REGEX = 200;

/**
 * Patterns over a device's recent points:
 * - `nOfM`: at least `n` of the last `m` values meet `op value`; clears when fewer do.
 * - `sequence`: the state metric went through `states` in that order (consecutive distinct states);
 *   clears on the next change of state.
 * - `regex`: a string state matches `regex`; clears when a state does not.
 */
export function compilePattern(spec: Record<string, unknown>, path: string): RuleEvaluator {
  const metric = str(spec, 'metric', path);
  const mode = str(spec, 'mode', path);
  if (mode === 'nOfM') return nOfM(spec, path, metric);
  if (mode === 'sequence') return sequence(spec, path, metric);
  if (mode === 'regex') return regex(spec, path, metric);
  throw invalid(`${path}.mode`, `must be nOfM, sequence or regex, got ${JSON.stringify(mode)}`);
}

function nOfM(spec: Record<string, unknown>, path: string, metric: string): RuleEvaluator {
  const n = num(spec, 'n', path, { required: true, min: 1 });
  const m = num(spec, 'm', path, { required: true, min: 1 });
  if (n > m || !Number.isInteger(n) || !Number.isInteger(m) || m > 10_000) throw invalid(`${path}.n`, `n and m must be integers with 1 ≤ n ≤ m ≤ 10000, got n=${n} m=${m}`);
  const limit = num(spec, 'value', path, { required: true });
  const op = str(spec, 'op', path);
  const tests: Record<string, (v: number) => boolean> = { '>': (v) => v > limit, '>=': (v) => v >= limit, '<': (v) => v < limit, '<=': (v) => v <= limit, '==': (v) => v === limit };
  const test = tests[op];
  if (!test) throw invalid(`${path}.op`, `must be one of ${Object.keys(tests).join(', ')}, got ${JSON.stringify(op)}`);
  // `restored`: raised before this evaluator existed; its window is unknown, so it clears only once the window is full again.
  const windows = new Map<string, { bits: boolean[]; hits: number; raised: boolean; recent: Point[]; restored?: boolean }>();
  return {
    metrics: [metric],
    restore(key) { windows.set(key, { bits: [], hits: 0, raised: true, recent: [], restored: true }); },
    onPoint(p) {
      const v = numericValue(p.value);
      if (v === undefined) return undefined;
      let w = windows.get(p.device);
      if (!w) windows.set(p.device, (w = { bits: [], hits: 0, raised: false, recent: [] }));
      const hit = test(v);
      w.bits.push(hit);
      if (hit) w.hits++;
      if (w.bits.length > m && w.bits.shift()) w.hits--;
      if (hit) { w.recent.push(p); if (w.recent.length > 5) w.recent.shift(); }
      if (!w.raised && w.hits >= n) {
        w.raised = true;
        return [{ type: 'raise', key: p.device, device: p.device, value: w.hits, points: [...w.recent], message: `${p.device} ${metric} ${op} ${limit} in ${w.hits} of the last ${w.bits.length} points (limit ${n} of ${m})` }];
      }
      if (w.raised && w.hits < n && (!w.restored || w.bits.length >= m)) {
        w.raised = false;
        w.restored = false;
        return [{ type: 'clear', key: p.device, device: p.device, value: w.hits, points: [p], message: `${p.device} ${metric}: ${w.hits} of the last ${m} points ${op} ${limit}` }];
      }
      return undefined;
    },
  };
}

function sequence(spec: Record<string, unknown>, path: string, metric: string): RuleEvaluator {
  const states = spec.states;
  if (!Array.isArray(states) || states.length < 2 || states.length > 50) throw invalid(`${path}.states`, 'must be a list of 2 to 50 states');
  const want = states.map(String);
  const hist = new Map<string, { states: string[]; points: Point[]; raised: boolean }>();
  return {
    metrics: [metric],
    restore(key) { hist.set(key, { states: [], points: [], raised: true }); },
    onPoint(p) {
      if (p.value === null) return undefined;
      const state = String(p.value);
      let h = hist.get(p.device);
      if (!h) hist.set(p.device, (h = { states: [], points: [], raised: false }));
      if (h.states[h.states.length - 1] === state) return undefined;
      h.states.push(state);
      h.points.push(p);
      if (h.states.length > want.length) { h.states.shift(); h.points.shift(); }
      const out: Transition[] = [];
      if (h.raised) {
        h.raised = false;
        out.push({ type: 'clear', key: p.device, device: p.device, points: [p], message: `${p.device} ${metric} left the sequence end state (now ${state})` });
      }
      if (h.states.length === want.length && h.states.every((s, i) => s === want[i])) {
        h.raised = true;
        out.push({ type: 'raise', key: p.device, device: p.device, points: [...h.points].slice(-5), message: `${p.device} ${metric} went through ${want.join(' → ')}` });
      }
      return out;
    },
  };
}

function regex(spec: Record<string, unknown>, path: string, metric: string): RuleEvaluator {
  const source = str(spec, 'regex', path);
  // Bounded length keeps patterns reviewable; V8's backtracking engine can still be slow on
  // pathological patterns, which is why patterns come from config, never from device data.
  if (source.length > MAX_REGEX) throw invalid(`${path}.regex`, `is longer than ${MAX_REGEX} characters`);
  let re: RegExp;
  try { re = new RegExp(source); } catch (e) { throw invalid(`${path}.regex`, `is not a valid regular expression: ${(e as Error).message}`); }
  const raised = new Set<string>();
  return {
    metrics: [metric],
    restore(key) { raised.add(key); },
    onPoint(p) {
      if (p.value === null) return undefined;
      const s = String(p.value);
      const hit = re.test(s);
      if (hit && !raised.has(p.device)) {
        raised.add(p.device);
        return [{ type: 'raise', key: p.device, device: p.device, points: [p], message: `${p.device} ${metric} "${s.slice(0, 200)}" matches /${source}/` }];
      }
      if (!hit && raised.delete(p.device)) return [{ type: 'clear', key: p.device, device: p.device, points: [p], message: `${p.device} ${metric} "${s.slice(0, 200)}" no longer matches` }];
      return undefined;
    },
  };
}
