import { OutpostError } from '@outpost/contract';

/** One hyper-parameter: numeric range (optionally integer) or a closed set of strings. */
export type ParamSpec =
  | { type: 'number'; min: number; max: number; integer?: boolean; doc: string }
  | { type: 'enum'; values: readonly string[]; doc: string };

export type ParamTable = Record<string, ParamSpec>;
export type ParamValues = Record<string, number | string>;

/**
 * Merges `given` over `defaults`, checking every key against `table`. Unknown names and values
 * out of range are user errors naming the detector, the parameter and what was expected.
 */
export function resolveParams<T extends ParamValues>(kind: string, table: ParamTable, defaults: T, given: unknown): T {
  if (given === undefined || given === null) return { ...defaults };
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw new OutpostError('ERR_ML_SPEC_INVALID', `${kind}: params must be an object, got ${JSON.stringify(given)}`);
  }
  const out: ParamValues = { ...defaults };
  for (const [name, value] of Object.entries(given as Record<string, unknown>)) {
    const spec = table[name];
    if (!spec) {
      throw new OutpostError('ERR_ML_SPEC_INVALID', `${kind}: unknown parameter "${name}"; expected one of ${Object.keys(table).join(', ')}`, { kind, param: name });
    }
    out[name] = checkParam(kind, name, spec, value);
  }
  return out as T;
}

export function checkParam(kind: string, name: string, spec: ParamSpec, value: unknown): number | string {
  if (spec.type === 'enum') {
    if (typeof value !== 'string' || !spec.values.includes(value)) {
      throw new OutpostError('ERR_ML_SPEC_INVALID', `${kind}.${name} must be one of ${spec.values.join(', ')}, got ${JSON.stringify(value)}`, { kind, param: name });
    }
    return value;
  }
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= spec.min && value <= spec.max
    && (!spec.integer || Number.isInteger(value));
  if (!ok) {
    throw new OutpostError('ERR_ML_SPEC_INVALID',
      `${kind}.${name} must be ${spec.integer ? 'an integer' : 'a number'} in [${spec.min}, ${spec.max}], got ${shown(value)}`,
      { kind, param: name });
  }
  return value;
}

/** A bad value as the user wrote it: JSON.stringify would show NaN and ±Infinity as null. */
function shown(value: unknown): string {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
}
