import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactKind } from '@outpost/contract/artifacts';
import type { Installer, StagedArtifact } from '../types.js';

export interface FileDropOptions {
  /** Folder the active version is placed in, as `<dir>/<name>` (one file per artifact name). */
  dir: string;
  /** Called after the file changed (or was removed: `file` is null) so its user reloads it; throw to fail the activation. */
  reload?: (name: string, file: string | null, version: string | null) => Promise<void>;
  /** Optional health check after activation (see Installer.health). */
  health?: Installer['health'];
  /** Optional check before activation (see Installer.stage). */
  stage?: Installer['stage'];
}

/**
 * The generic installer: the verified file is copied to `<dir>/<name>` by write-then-rename
 * (readers see the old or the new file, never half of one) and a reload hook is called. Models,
 * processors and rule sets plug in here with their own `reload` (and `health`).
 */
export function fileDropInstaller(o: FileDropOptions): Installer {
  mkdirSync(o.dir, { recursive: true });
  return {
    ...(o.stage ? { stage: o.stage } : {}),
    ...(o.health ? { health: o.health } : {}),
    async activate(a: StagedArtifact) {
      const dest = join(o.dir, a.name);
      const tmp = `${dest}.tmp-${process.pid}`;
      copyFileSync(a.file, tmp);
      renameSync(tmp, dest);
      await o.reload?.(a.name, dest, a.version);
    },
    async remove(_kind: ArtifactKind, name: string) {
      rmSync(join(o.dir, name), { force: true });
      await o.reload?.(name, null, null);
    },
  };
}
