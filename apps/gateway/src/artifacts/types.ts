import type { ArtifactKind, DeploymentReport } from '@outpost/contract/artifacts';

/** A verified artifact version on local disk, ready to install. */
export interface StagedArtifact {
  kind: ArtifactKind;
  name: string;
  version: string;
  sha256: string;
  /** The verified content file (kept until two newer versions replaced it: the rollback source). */
  file: string;
}

/**
 * How one artifact kind is installed on a gateway. The agent calls stage → activate → health;
 * when activate or health throws it activates the previous version again (or `remove`s when
 * there was none). Each step throws an Error whose message says what went wrong.
 */
export interface Installer {
  /** Check the content can be used here (parse, compile) before anything changes. */
  stage?(a: StagedArtifact): Promise<void>;
  /** Make it the running version, atomically: either the new version runs or the old one still does. */
  activate(a: StagedArtifact): Promise<void>;
  /** After activation: wait up to `healthS` seconds for it to prove healthy; throw if it does not. Figures feed the hub's gates. */
  health?(a: StagedArtifact, healthS: number): Promise<DeploymentReport['metrics'] | void>;
  /**
   * After a restart with this version's install unfinished: did it complete? (`ok: true`: it runs
   * now; `ok: false`: it failed, and why; undefined: unknown, so the agent returns to the previous
   * version.) For installs that restart the process, like gateway software.
   */
  resume?(a: StagedArtifact): Promise<{ ok: true } | { ok: false; error: string } | undefined>;
  /** Uninstall (a rollback to "nothing was installed"). */
  remove?(kind: ArtifactKind, name: string): Promise<void>;
}

export type Installers = Partial<Record<ArtifactKind, Installer>>;
