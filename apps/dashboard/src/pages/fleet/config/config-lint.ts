import type { ErrorObject, ValidateFunction } from 'ajv';
import { locate, pointerSegment, type Located } from './json-locate.js';

/** One problem of the config text: where (for the editor's underline), which setting, and what is wrong. */
export interface ConfigProblem { from: number; to: number; path: string; message: string }

/** `/ingest/metrics/a~1b` → `ingest.metrics["a/b"]`, the way the hub names settings (without the `gateway.` prefix). */
export function displayPointer(ptr: string): string {
  let out = '';
  for (const raw of ptr.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || '(the config)';
}

/** V8 says where JSON.parse stopped ("… in JSON at position 27 …"); the end of the text when it ran out. */
function syntaxProblem(text: string, e: Error): ConfigProblem {
  const at = /at position (\d+)/.exec(e.message);
  const pos = at ? Math.min(Number(at[1]), text.length) : /end of (JSON|data)/i.test(e.message) ? text.length : 0;
  return { from: Math.max(0, Math.min(pos, text.length - 1)), to: Math.min(text.length, pos + 1), path: '(JSON syntax)', message: e.message };
}

function messageOf(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': return `unknown setting "${String(p.additionalProperty)}"`;
    case 'required': return `missing required setting "${String(p.missingProperty)}"`;
    case 'enum': return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default: return e.message ?? e.keyword;
  }
}

// Umbrella errors ("must match a schema in anyOf") only repeat what the specific ones say.
const UMBRELLA = new Set(['anyOf', 'oneOf', 'not', 'if']);

/**
 * Problems of a config draft: JSON syntax (at the position the parser stopped), not an object, and,
 * with `validate` (ajv compiled from the hub's GET /v1/configs/schema), every schema violation,
 * one per setting, at the offending key. An empty list means the hub's schema check will pass.
 */
export function configProblems(text: string, validate?: ValidateFunction): ConfigProblem[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return [syntaxProblem(text, e as Error)];
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return [{ from: 0, to: text.length, path: '(the config)', message: 'expected a JSON object (the `gateway` section of an Outpost config)' }];
  }
  if (!validate || validate(value)) return [];
  const spans = locate(text);
  const all = validate.errors ?? [];
  const specific = all.filter((e) => !UMBRELLA.has(e.keyword));
  const byPath = new Map<string, ConfigProblem>();
  for (const e of specific.length ? specific : all) {
    const ptr = e.keyword === 'additionalProperties' ? `${e.instancePath}/${pointerSegment(String((e.params as { additionalProperty: string }).additionalProperty))}` : e.instancePath;
    if (byPath.has(ptr)) continue;
    const at: Located | undefined = spans.get(ptr) ?? spans.get(e.instancePath);
    // Underline the key and its value; for a missing setting, the object that lacks it.
    const from = at?.key?.from ?? at?.value.from ?? 0;
    const to = e.keyword === 'required' ? (at?.key?.to ?? from + 1) : (at?.value.to ?? text.length);
    byPath.set(ptr, { from, to: Math.max(to, from + 1), path: displayPointer(ptr), message: messageOf(e) });
  }
  return [...byPath.values()].sort((a, b) => a.from - b.from);
}
