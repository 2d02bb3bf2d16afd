// Writes docs/reference/config.md and docs/reference/outpost.config.schema.json from the schema.
// Run with `npm run docs:config`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigReference, renderJsonSchema } from './reference.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const REFERENCE_FILES = {
  'docs/reference/config.md': renderConfigReference,
  'docs/reference/outpost.config.schema.json': renderJsonSchema,
} as const;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [rel, render] of Object.entries(REFERENCE_FILES)) {
    const file = join(REPO_ROOT, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, render());
    console.log(`wrote ${rel}`);
  }
}
