import { OutpostError } from '@outpost/contract';

/** A rule setting that does not make sense: names the setting, what it was and what was expected. */
export function invalid(path: string, what: string, details?: Record<string, unknown>): OutpostError {
  return new OutpostError('ERR_CONFIG_INVALID', `${path}: ${what}`, { path, ...details });
}

export function num(spec: Record<string, unknown>, key: string, path: string, opts: { required?: boolean; min?: number; def?: number } = {}): number {
  const v = spec[key];
  if (v === undefined) {
    if (opts.required ?? opts.def === undefined) throw invalid(`${path}.${key}`, 'is required and must be a finite number');
    return opts.def as number;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`${path}.${key}`, `must be a finite number, got ${JSON.stringify(v)}`);
  if (opts.min !== undefined && v < opts.min) throw invalid(`${path}.${key}`, `must be ≥ ${opts.min}, got ${v}`);
  return v;
}

export function str(spec: Record<string, unknown>, key: string, path: string, def?: string): string {
  const v = spec[key];
  if (v === undefined && def !== undefined) return def;
  if (typeof v !== 'string' || v.length === 0) throw invalid(`${path}.${key}`, `must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

export function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}
