import { describeExpected } from './describe.js';
import { envName, publishedSchema, type JsonSchema } from './json-schema.js';

/**
 * The configuration reference (docs/reference/config.md) and the published JSON Schema, both
 * generated from the one schema declaration. `reference.test.ts` fails when the committed copies
 * are stale; `npm run docs:config` rewrites them.
 */
export function renderJsonSchema(): string {
  return `${JSON.stringify(publishedSchema(), null, 2)}\n`;
}

interface Table { title: string; description?: string; rows: string[]; note?: string }

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => `\`${s}\``;

function defaultOf(s: JsonSchema): string {
  if (s.default === undefined) return '—';
  return code(JSON.stringify(s.default));
}

function collect(s: JsonSchema, segments: string[], display: string, envable: boolean, tables: Table[]): void {
  const table: Table = { title: display, rows: [], ...(s.description ? { description: s.description } : {}) };
  if (!envable) table.note = 'Items of a list or map: set them in the file (or the whole list as JSON in its variable).';
  tables.push(table);
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    if (segments.length === 0 && key === '$schema') continue;
    const path = [...segments, key];
    const shown = display === '' ? key : `${display}.${key}`;
    if (child.type === 'object' && child.properties) {
      collect(child, path, shown, envable, tables);
      continue;
    }
    const env = envable ? code(envName(path)) : '—';
    table.rows.push(`| ${code(shown)} | ${cell(describeExpected(child))} | ${cell(defaultOf(child))} | ${env} | ${cell(child.description ?? '')} |`);
    if (child.type === 'array' && child.items?.properties) collect(child.items, [...path, '[]'], `${shown}[]`, false, tables);
    const mapValue = Object.values(child.patternProperties ?? {})[0];
    if (mapValue?.properties) collect(mapValue, [...path, '<name>'], `${shown}.<name>`, false, tables);
  }
}

export function renderConfigReference(): string {
  const tables: Table[] = [];
  collect(publishedSchema(), [], '', true, tables);
  const out = [
    '# Configuration reference',
    '',
    '<!-- Generated from packages/config/src/schema by `npm run docs:config`. Do not edit by hand. -->',
    '',
    'One file, YAML or JSON, passed with `--config <file>` (see `examples/outpost.yaml`; JSON Schema:',
    '`docs/reference/outpost.config.schema.json`, also printed by `outpost config schema`). Every setting',
    'is optional. Precedence, lowest first: defaults ← file ← environment variables ← `--set path=value`.',
    '',
    'Environment variables are named after the setting path: `gateway.http.port` → `OUTPOST_GATEWAY_HTTP_PORT`.',
    'Their values are converted to the setting\'s type (`true`/`false`/`1`/`0` for booleans; lists as JSON or',
    'comma-separated strings; lists of objects as JSON). Empty variables count as unset.',
    '',
    'Check a configuration with `outpost config check --config <file>`; show the effective one with',
    '`outpost config print`.',
  ];
  for (const t of tables) {
    if (t.rows.length === 0) continue;
    out.push('', `## ${t.title === '' ? '(top level)' : code(t.title)}`, '');
    if (t.description) out.push(t.description, '');
    if (t.note) out.push(`_${t.note}_`, '');
    out.push('| key | type | default | env var | description |', '| --- | --- | --- | --- | --- |', ...t.rows);
  }
  return `${out.join('\n')}\n`;
}
