// Build-time: the engine's node kinds (title, description, ports, config JSON Schema) as the
// virtual module `virtual:outpost-operators`, read from the operator registry itself, so the
// builder's palette and forms always match what the hub's compiler accepts. Nothing of the
// engine's runtime reaches the browser bundle. The registry is TypeScript, which Vite's config
// loader cannot import, so a child Node with tsx prints it.
import { execFileSync } from 'node:child_process';
import type { Plugin } from 'vite';

const ID = 'virtual:outpost-operators';
const PRINTER = new URL('./print-operator-catalogue.ts', import.meta.url).pathname;

export function operatorCatalogue(): Plugin {
  return {
    name: 'outpost-operator-catalogue',
    resolveId: (id) => (id === ID ? `\0${ID}` : undefined),
    load(id) {
      if (id !== `\0${ID}`) return undefined;
      const json = execFileSync(process.execPath, ['--import', 'tsx', PRINTER], { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname });
      return `export default ${json};`;
    },
  };
}
