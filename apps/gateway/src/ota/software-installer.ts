import { readFileSync } from 'node:fs';
import type { Installer } from '../artifacts/types.js';
import { askSupervisor } from './child.js';
import { other, parseBundle, readOtaState, readSlot, unpackInto, type Slot } from './slots.js';

export interface SoftwareInstallerOptions {
  /** The OTA root (OUTPOST_OTA_ROOT). */
  root: string;
  /** The version this process runs (OUTPOST_SOFTWARE_VERSION). */
  running: string;
  /** Resolves once the supervisor committed this process's version (after reportHealthy). */
  committed: Promise<void>;
}

/**
 * Gateway software (OTA): the bundle is unpacked into the inactive slot, then the supervisor is
 * asked to switch — it stops this process and starts the new slot on trial. The new process picks
 * the deployment up in `resume` once the supervisor committed it; if the new version failed, the
 * old one (restarted by the supervisor) reports the supervisor's reason instead.
 */
export function softwareInstaller(o: SoftwareInstallerOptions): Installer {
  const slotOf = (version: string): Slot | undefined => (['a', 'b'] as const).find((s) => readSlot(o.root, s)?.version === version);
  return {
    async stage(a) {
      if (a.version === o.running) return;
      const b = parseBundle(readFileSync(a.file), `software ${a.name}@${a.version}`);
      if (b.version !== a.version) throw new Error(`software ${a.name}@${a.version}: the bundle says version ${b.version}`);
      const inactive = other(readOtaState(o.root).active);
      unpackInto(o.root, inactive, b);
    },
    async activate(a) {
      // Re-activating what runs (a rollback on this side) changes nothing.
      if (a.version === o.running) return;
      const slot = slotOf(a.version);
      if (!slot) throw new Error(`software ${a.version} is in no slot; stage it first`);
      const answer = await askSupervisor({ type: 'switch', slot, version: a.version });
      if (answer.type === 'refused') throw new Error(answer.error);
      // The supervisor stops this process now; the new version carries on in `resume`.
      await new Promise(() => undefined);
    },
    async resume(a) {
      if (a.version === o.running) {
        await o.committed;
        return { ok: true };
      }
      const f = readOtaState(o.root).lastFailure;
      return f && f.version === a.version ? { ok: false, error: f.error } : undefined;
    },
    async remove() { /* the running software cannot be uninstalled: it stays */ },
  };
}
