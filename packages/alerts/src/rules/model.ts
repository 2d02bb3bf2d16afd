import type { RuleEvaluator } from '../types.js';
import { invalid, num, numericValue } from './spec-errors.js';

/** Model monitoring figures as metrics: `model.<stat>`, one point per model version and source, tag `model` = name@version. */
export const MODEL_STATS = ['p50_ms', 'p95_ms', 'p99_ms', 'error_rate', 'psi', 'kl', 'accuracy'] as const;
export type ModelStat = (typeof MODEL_STATS)[number];

/**
 * A model's monitoring figure out of bounds: latency percentiles, error rate or input drift
 * (PSI/KL) above `above`, or accuracy on ground truth below `below`. Points come from model
 * monitoring (hub inference API and gateway heartbeats, docs/models.md); `model` narrows the rule
 * to one model (`name`) or version (`name@version`). One alert per device (or `hub`) and model version.
 */
export function compileModel(spec: Record<string, unknown>, path: string): RuleEvaluator {
  const stat = spec.stat as ModelStat;
  if (!MODEL_STATS.includes(stat)) throw invalid(`${path}.stat`, `must be one of ${MODEL_STATS.join(', ')}, got ${JSON.stringify(spec.stat)}`);
  const hasAbove = spec.above !== undefined;
  const hasBelow = spec.below !== undefined;
  if (hasAbove === hasBelow) throw invalid(`${path}.above`, 'give exactly one of above (latency, error rate, drift) or below (accuracy)');
  const limit = num(spec, hasAbove ? 'above' : 'below', path, { required: true });
  const model = spec.model;
  if (model !== undefined && (typeof model !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*(@[A-Za-z0-9._-]+)?$/.test(model))) {
    throw invalid(`${path}.model`, `must be a model name or name@version, got ${JSON.stringify(model)}`);
  }
  const matches = (tag: string | undefined) => model === undefined || tag === model || (!model.includes('@') && tag?.startsWith(`${model}@`) === true);
  const bad = (v: number) => (hasAbove ? v > limit : v < limit);
  const raised = new Set<string>();
  const what = `${stat} ${hasAbove ? 'above' : 'below'} ${limit}`;
  return {
    metrics: [`model.${stat}`],
    onPoint(p) {
      const tag = p.tags?.model;
      const v = numericValue(p.value);
      if (v === undefined || !matches(tag)) return undefined;
      const key = `${p.device}|${tag}`;
      if (bad(v) && !raised.has(key)) {
        raised.add(key);
        return [{ type: 'raise', key, device: p.device, value: v, points: [p], message: `model ${tag} on ${p.device}: ${stat} ${v.toFixed(3)} (${what})` }];
      }
      if (!bad(v) && raised.delete(key)) return [{ type: 'clear', key, device: p.device, value: v, points: [p], message: `model ${tag} on ${p.device}: ${stat} back to ${v.toFixed(3)}` }];
      return undefined;
    },
  };
}
