import { issue, type ConfigIssue } from './errors.js';
import { coerceString } from './coerce.js';
import { settings, type Setting } from './json-schema.js';

export type Path = readonly (string | number)[];
export type Data = Record<string, unknown>;

/** One source of settings, in precedence order: defaults ← file ← env ← --set ← overrides. */
export interface Layer {
  data: Data;
  /** Where the value at `path` came from, for error messages. */
  origin(path: Path): string;
}

export function isPlainObject(v: unknown): v is Data {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function getAt(data: unknown, path: Path): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function setAt(data: Data, path: readonly string[], value: unknown): void {
  let cur = data;
  path.forEach((seg, i) => {
    if (i === path.length - 1) {
      cur[seg] = value;
      return;
    }
    if (!isPlainObject(cur[seg])) cur[seg] = {};
    cur = cur[seg] as Data;
  });
}

/** Merge `src` into `dst`: objects merge key by key, anything else (arrays included) replaces. */
export function deepMerge(dst: Data, src: Data): Data {
  for (const [k, v] of Object.entries(src)) {
    if (v === undefined) continue;
    if (isPlainObject(v) && isPlainObject(dst[k])) deepMerge(dst[k] as Data, v);
    else dst[k] = isPlainObject(v) ? deepMerge({}, v) : structuredClone(v);
  }
  return dst;
}

/** Which setting a path falls under (the setting itself or inside an array/map setting). */
function settingFor(all: Setting[], path: Path): Setting | undefined {
  const dotted = path.join('.');
  return all.find((s) => dotted === s.path || dotted.startsWith(`${s.path}.`));
}

/**
 * Settings from environment variables. The variable names come from enumerating the schema's
 * settings, so an unrelated OUTPOST_* variable is never misread. Empty values count as unset.
 */
export function envLayer(env: Record<string, string | undefined>): Layer {
  const all = settings();
  const data: Data = {};
  for (const s of all) {
    const raw = env[s.env];
    if (raw === undefined || raw === '') continue;
    setAt(data, s.segments, coerceString(raw, s.schema));
  }
  return { data, origin: (path) => `env ${settingFor(all, path)?.env ?? '?'}` };
}

/**
 * `--set gateway.http.port=9000` assignments, coerced like environment variables. Malformed or
 * unknown assignments are returned as issues, reported together with the schema's.
 */
export function assignmentLayer(assignments: readonly string[]): Layer & { problems: ConfigIssue[] } {
  const all = settings();
  const data: Data = {};
  const problems: ConfigIssue[] = [];
  for (const a of assignments) {
    const eq = a.indexOf('=');
    const key = eq < 0 ? a : a.slice(0, eq);
    const s = all.find((x) => x.path === key);
    if (eq < 0 || !s) {
      problems.push(issue(key, 'a setting path and a value, like gateway.http.port=9000', a, `--set ${a}`,
        eq < 0 ? 'expected path=value' : `unknown setting; see \`outpost config schema\` or docs/reference/config.md`));
      continue;
    }
    setAt(data, s.segments, coerceString(a.slice(eq + 1), s.schema));
  }
  return { data, problems, origin: (path) => `--set ${settingFor(all, path)?.path ?? path.join('.')}` };
}

export function fixedLayer(data: Data, label: string): Layer {
  return { data, origin: () => label };
}

/** The source of the value at `path`: the most specific path some layer sets, highest layer first. */
export function originOf(layers: readonly Layer[], path: Path): string {
  for (let len = path.length; len > 0; len--) {
    const prefix = path.slice(0, len);
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i]!;
      if (getAt(layer.data, prefix) !== undefined) return layer.origin(prefix);
    }
  }
  return 'default';
}
