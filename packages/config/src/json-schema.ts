import { OutpostConfigSchema } from './schema/index.js';

/** The subset of JSON Schema the config schema uses, as plain data. */
export interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  minItems?: number;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  [k: string]: unknown;
}

/**
 * The published schema: the TypeBox declaration as plain JSON, with settings that have a default
 * dropped from `required` — a file may leave them out, defaults fill them in on load.
 */
export function publishedSchema(): JsonSchema {
  const plain = JSON.parse(JSON.stringify(OutpostConfigSchema)) as JsonSchema;
  return relaxRequired(plain);
}

function relaxRequired(s: JsonSchema): JsonSchema {
  if (s.properties) {
    for (const child of Object.values(s.properties)) relaxRequired(child);
    if (s.required) {
      const keep = s.required.filter((k) => s.properties?.[k]?.default === undefined);
      if (keep.length > 0) s.required = keep;
      else delete s.required;
    }
  }
  if (s.items) relaxRequired(s.items);
  for (const child of Object.values(s.patternProperties ?? {})) relaxRequired(child);
  return s;
}

/** One setting: a leaf of the schema reached through object properties (arrays and maps are leaves). */
export interface Setting {
  /** Dotted path, e.g. `gateway.http.port`. */
  path: string;
  segments: string[];
  schema: JsonSchema;
  /** Environment variable that sets it, derived from the path. */
  env: string;
}

/** `gateway.store.retentionRawDays` → `OUTPOST_GATEWAY_STORE_RETENTION_RAW_DAYS`. */
export function envName(segments: readonly string[]): string {
  const snake = segments.map((s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase());
  return ['OUTPOST', ...snake].join('_');
}

const isSection = (s: JsonSchema) => s.type === 'object' && s.properties !== undefined;

/** Every setting, by walking the schema (never by parsing variable names). */
export function settings(root: JsonSchema = publishedSchema()): Setting[] {
  const out: Setting[] = [];
  const walk = (s: JsonSchema, segments: string[]) => {
    if (segments.length > 0 && !isSection(s)) {
      out.push({ path: segments.join('.'), segments, schema: s, env: envName(segments) });
      return;
    }
    for (const [key, child] of Object.entries(s.properties ?? {})) {
      if (segments.length === 0 && key === '$schema') continue;
      walk(child, [...segments, key]);
    }
  };
  walk(root, []);
  return out;
}

/** The schema at a dotted path inside objects, arrays (`[0]` or numeric segments) and maps. */
export function schemaAt(root: JsonSchema, segments: readonly (string | number)[]): JsonSchema | undefined {
  let s: JsonSchema | undefined = root;
  for (const seg of segments) {
    if (!s) return undefined;
    if (s.type === 'array') s = s.items;
    else if (s.properties && typeof seg === 'string' && s.properties[seg]) s = s.properties[seg];
    else if (s.patternProperties) s = Object.values(s.patternProperties)[0];
    else return undefined;
  }
  return s;
}
