import { existsSync, readFileSync } from 'node:fs';
import type { ProcessorRegistry } from '@outpost/sandbox';
import { installBundle, processorPaths, readBundle } from '../../processors/installed.js';
import type { Installer } from '../types.js';
import { fileDropInstaller } from './file-drop.js';

/**
 * Processors deployed from the hub: the bundle's own ed25519 signature is checked against the
 * hub's pinned key before anything changes (stage), then the file is dropped and the bundle added
 * to the gateway's ProcessorRegistry and activated — pipeline nodes using it hot-reload (calls in
 * flight finish on the old version; no point is lost). Removing it disables the processor: its
 * nodes send points to the error path instead of dropping them.
 */
export function processorInstaller(o: { dataDir: string; registry: () => ProcessorRegistry | undefined }): Installer {
  const { dir, hubKey } = processorPaths(o.dataDir);
  const key = () => {
    if (!existsSync(hubKey)) throw new Error(`the hub's artifact key is not pinned yet (${hubKey})`);
    return readFileSync(hubKey, 'utf8');
  };
  const registry = () => {
    const r = o.registry();
    if (!r) throw new Error('the gateway is not running, so there is no processor registry to install into');
    return r;
  };
  return fileDropInstaller({
    dir,
    async stage(a) {
      readBundle(a.file, key(), { name: a.name, version: a.version });
    },
    async reload(name, file, version) {
      if (file === null) {
        const r = o.registry();
        if (r?.list().some((p) => p.name === name)) r.setEnabled(name, false);
        return;
      }
      await installBundle(registry(), readBundle(file, key(), { name, ...(version ? { version } : {}) }), key());
    },
  });
}
