import type { RuleEvaluator } from '../types.js';
import { invalid, num, numericValue, str } from './spec-errors.js';

/**
 * Anomaly score over a threshold. Reads the score from points of `metric` (e.g. `anomaly_score`
 * written by a detector pipeline), or from the tag `scoreTag` of any point of `metric` when set
 * (a detector that tags the scored point). Clears below `clear` (default: `threshold`).
 */
export function compileAnomaly(spec: Record<string, unknown>, path: string): RuleEvaluator {
  const metric = str(spec, 'metric', path, 'anomaly_score');
  const threshold = num(spec, 'threshold', path, { required: true });
  const clear = num(spec, 'clear', path, { def: threshold });
  if (clear > threshold) throw invalid(`${path}.threshold`, `threshold ${threshold} is below the clear level ${clear}; clear must be ≤ threshold`);
  const tag = spec.scoreTag === undefined ? undefined : str(spec, 'scoreTag', path);
  const raised = new Set<string>();
  return {
    metrics: [metric],
    restore(key) { raised.add(key); },
    onPoint(p) {
      const score = tag ? Number(p.tags?.[tag] ?? Number.NaN) : numericValue(p.value);
      if (score === undefined || !Number.isFinite(score)) return undefined;
      if (score > threshold && !raised.has(p.device)) {
        raised.add(p.device);
        return [{ type: 'raise', key: p.device, device: p.device, value: score, points: [p], message: `${p.device} anomaly score ${score.toFixed(3)} over ${threshold}` }];
      }
      if (score < clear && raised.delete(p.device)) return [{ type: 'clear', key: p.device, device: p.device, value: score, points: [p], message: `${p.device} anomaly score back to ${score.toFixed(3)}` }];
      return undefined;
    },
  };
}
