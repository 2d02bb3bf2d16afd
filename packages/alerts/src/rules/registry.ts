import type { RuleEvaluator } from '../types.js';
import { compileAnomaly } from './anomaly.js';
import { compileGeofence } from './geofence.js';
import { compileMissing } from './missing.js';
import { compileModel } from './model.js';
import { compilePattern } from './pattern.js';
import { compileRate } from './rate.js';
import { compilePerformanceRatio, compileStringImbalance } from './solar.js';
import { compileThreshold } from './threshold.js';

type Compiler = (spec: Record<string, unknown>, path: string, now: number) => RuleEvaluator;

/** Every built-in rule kind, by name: adding a kind is one file and one line here. */
export const RULE_KINDS: Readonly<Record<string, Compiler>> = {
  threshold: compileThreshold,
  rate: compileRate,
  missing: compileMissing,
  pattern: compilePattern,
  geofence: compileGeofence,
  anomaly: compileAnomaly,
  model: compileModel,
  'performance-ratio': compilePerformanceRatio,
  'string-imbalance': compileStringImbalance,
};
