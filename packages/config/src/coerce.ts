import type { JsonSchema } from './json-schema.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Turn an environment string into the schema's type. A string that does not convert is returned
 * unchanged, so validation reports it with the original text ("expected integer, got \"abc\"").
 */
export function coerceString(raw: string, schema: JsonSchema): unknown {
  const text = raw.trim();
  switch (schema.type) {
    case 'integer':
    case 'number':
      return NUMBER.test(text) ? Number(text) : raw;
    case 'boolean': {
      const t = text.toLowerCase();
      return TRUE.has(t) ? true : FALSE.has(t) ? false : raw;
    }
    case 'array':
      if (text.startsWith('[')) return parseJson(raw);
      // A list of strings may also be given comma-separated: "a,b".
      return schema.items?.type === 'string' ? text.split(',').map((x) => x.trim()).filter((x) => x !== '') : raw;
    case 'object':
      return text.startsWith('{') ? parseJson(raw) : raw;
    default:
      return raw;
  }
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
