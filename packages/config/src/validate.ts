import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { publishedSchema, type JsonSchema } from './json-schema.js';
import { describeExpected, closest } from './describe.js';
import { issue, show, type ConfigIssue } from './errors.js';
import type { Path } from './layers.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let compiled: ValidateFunction | undefined;

/** Ajv with defaults filled in place and every error collected, not just the first. */
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true });
    addFormats(ajv);
    compiled = ajv.compile(publishedSchema());
  }
  return compiled;
}

/** `['gateway','modbus','devices',0,'port']` → `gateway.modbus.devices[0].port`. */
export function displayPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number' || /^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Validate (and fill defaults into) `data`. Returns one issue per offending path; `originOf`
 * says where the value came from (file, env variable, --set).
 */
export function validateSchema(data: unknown, originOf: (path: Path) => string): ConfigIssue[] {
  const validate = validator();
  if (validate(data)) return [];
  const byPath = new Map<string, ConfigIssue>();
  for (const e of validate.errors ?? []) {
    const found = toIssue(e, originOf);
    if (found && !byPath.has(found.path)) byPath.set(found.path, found);
  }
  return [...byPath.values()];
}

function toIssue(e: ErrorObject, originOf: (path: Path) => string): ConfigIssue | undefined {
  const at = pointerToPath(e.instancePath);
  const parent = e.parentSchema as JsonSchema | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const path = [...at, key];
      const known = Object.keys(parent?.properties ?? {});
      const guess = closest(key, known);
      const value = (e.data as Record<string, unknown>)[key];
      const problem = `unknown key (value ${show(value)})${guess ? `; did you mean "${guess}"?` : ''} Known keys here: ${known.join(', ')}`;
      return issue(displayPath(path), `one of the keys ${known.join(', ')}`, value, originOf(path), problem);
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const path = [...at, key];
      const expected = describeExpected(parent?.properties?.[key]);
      return issue(displayPath(path), expected, undefined, originOf(at), `missing; expected ${expected}`);
    }
    case 'if':
    case 'anyOf':
    case 'oneOf':
      return undefined; // the branch errors that follow say more
    default:
      return issue(displayPath(at), describeExpected(parent), e.data, originOf(at));
  }
}
