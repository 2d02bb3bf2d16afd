import type { RuleEvaluator, RuleLocation, Severity } from '../types.js';
import { parseActions, type ActionSpec } from '../actions/spec.js';
import { RULE_KINDS } from './registry.js';
import { invalid } from './spec-errors.js';

export interface RuleLimits {
  /** Action runs per rule per minute (token bucket); more are suppressed and counted. */
  actionsPerMinute: number;
  /** The same rule, key and lifecycle change within this window runs its actions once. */
  dedupeSeconds: number;
}

export interface CompiledRule {
  id: string;
  kind: string;
  severity: Severity;
  location: RuleLocation;
  /** Exact device ids or `*` globs; undefined matches every device. */
  devices?: (d: string) => boolean;
  /** Set when `devices` lists only exact ids: the engine then routes by device and metric. */
  exactDevices?: string[];
  evaluator: RuleEvaluator;
  actions: ActionSpec[];
  limits: RuleLimits;
}

const COMMON = new Set(['id', 'kind', 'severity', 'location', 'devices', 'enabled', 'actions', 'actionsPerMinute', 'dedupeSeconds', 'description']);

/** Compile one rule from config; `path` names it in errors, e.g. `gateway.alerts.rules[2]`. */
export function compileRule(raw: unknown, path: string, now: number): CompiledRule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(path, 'a rule must be an object with id and kind');
  const spec = raw as Record<string, unknown>;
  if (typeof spec.id !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(spec.id)) throw invalid(`${path}.id`, `must be 1-100 characters of letters, digits, _ . : -, got ${JSON.stringify(spec.id)}`);
  const compile = typeof spec.kind === 'string' ? RULE_KINDS[spec.kind] : undefined;
  if (!compile) throw invalid(`${path}.kind`, `unknown rule kind ${JSON.stringify(spec.kind)}; expected one of ${Object.keys(RULE_KINDS).join(', ')}`);
  const severity = (spec.severity ?? 'warning') as Severity;
  if (!['info', 'warning', 'critical'].includes(severity)) throw invalid(`${path}.severity`, `must be info, warning or critical, got ${JSON.stringify(spec.severity)}`);
  const location = (spec.location ?? 'edge') as RuleLocation;
  if (!['edge', 'cloud', 'both'].includes(location)) throw invalid(`${path}.location`, `must be edge, cloud or both, got ${JSON.stringify(spec.location)}`);
  let devices: CompiledRule['devices'];
  let exactDevices: string[] | undefined;
  if (spec.devices !== undefined) {
    if (!Array.isArray(spec.devices) || spec.devices.some((d) => typeof d !== 'string' || d.length === 0)) throw invalid(`${path}.devices`, 'must be a list of device ids or globs (`pump-*`)');
    const res = (spec.devices as string[]).map((d) => new RegExp(`^${d.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
    devices = (d) => res.some((r) => r.test(d));
    if (!(spec.devices as string[]).some((d) => d.includes('*'))) exactDevices = spec.devices as string[];
  }
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) if (!COMMON.has(k)) params[k] = v;
  // A missing-data rule also needs its device list to watch devices that never report.
  if (spec.devices !== undefined) params.devices = spec.devices;
  const perMin = spec.actionsPerMinute ?? 60;
  const dedupe = spec.dedupeSeconds ?? 10;
  if (typeof perMin !== 'number' || !(perMin > 0)) throw invalid(`${path}.actionsPerMinute`, `must be a number > 0, got ${JSON.stringify(perMin)}`);
  if (typeof dedupe !== 'number' || !(dedupe >= 0)) throw invalid(`${path}.dedupeSeconds`, `must be a number ≥ 0, got ${JSON.stringify(dedupe)}`);
  return {
    id: spec.id, kind: spec.kind as string, severity, location, devices, exactDevices,
    evaluator: compile(params, path, now),
    actions: parseActions(spec.actions, `${path}.actions`),
    limits: { actionsPerMinute: perMin, dedupeSeconds: dedupe },
  };
}
