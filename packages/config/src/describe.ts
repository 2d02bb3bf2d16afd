import type { JsonSchema } from './json-schema.js';

/** What a schema accepts, in words: `integer 0–65535`, `one of "full", "normal"`, `non-empty string`. */
export function describeExpected(s: JsonSchema | undefined): string {
  if (!s) return 'nothing (unknown key)';
  if (s.enum) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  switch (s.type) {
    case 'integer':
    case 'number': {
      const not = (s.not as { const?: unknown } | undefined)?.const;
      return `${s.type}${range(s)}${not === undefined ? '' : ` other than ${JSON.stringify(not)}`}`;
    }
    case 'string':
      if (s.pattern) return `string matching /${s.pattern}/`;
      if (s.minLength && s.minLength > 1) return `string of at least ${s.minLength} characters`;
      return s.minLength === 1 ? 'non-empty string' : 'string';
    case 'boolean':
      return 'boolean (true or false)';
    case 'array':
      return `array${s.items ? ` of ${plural(describeExpected(s.items))}` : ''}${s.minItems ? ` (at least ${s.minItems})` : ''}`;
    case 'object':
      return s.patternProperties ? 'object (a map keyed by name)' : 'object';
    default:
      return s.type ?? 'a value';
  }
}

function range(s: JsonSchema): string {
  const lo = s.minimum;
  const hi = s.maximum;
  if (lo !== undefined && hi !== undefined) return ` ${lo}–${hi}`;
  if (lo !== undefined) return ` ≥ ${lo}`;
  if (s.exclusiveMinimum !== undefined) return ` > ${s.exclusiveMinimum}`;
  if (hi !== undefined) return ` ≤ ${hi}`;
  return '';
}

function plural(what: string): string {
  return what.replace(/^(string|integer|number|boolean|object)\b/, '$1s');
}

/** Levenshtein distance, for "did you mean" on unknown keys. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
