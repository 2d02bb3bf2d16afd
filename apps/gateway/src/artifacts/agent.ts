import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger, type Logger } from '@outpost/contract';
import type { ArtifactKind, DeploymentReport, DesiredArtifact, DeviceDeployState } from '@outpost/contract/artifacts';
import { downloadVerified, type HubGet } from './download.js';
import type { Installers, StagedArtifact } from './types.js';

interface Installed { version: string; sha256: string; file: string }
/** What the agent knows about one artifact name, persisted so a restart neither loses nor repeats work. */
interface Entry {
  kind: ArtifactKind; name: string;
  current: Installed | null; previous: Installed | null;
  /** The version being installed (what `recover` resumes or undoes after a restart). */
  pending?: Installed | null;
  deploymentId: string; target: string | null; rollback: boolean;
  state: Exclude<DeviceDeployState, 'pending' | 'skipped'>; error: string | null; metrics?: DeploymentReport['metrics']; at: number;
}

export interface ArtifactAgentOptions {
  /** Where verified artifacts and the agent's state live (`<dataDir>/artifacts`). */
  dir: string;
  get: HubGet;
  installers: Installers;
  /** The hub's artifact public key (PEM). Default: fetched once from the hub and pinned in `dir/hub-key.pem`. */
  hubKeyPem?: string;
  /** Called after every state change (the hub link sends a heartbeat at once). */
  onChange?: () => void;
  logger?: Logger;
  now?: () => number;
}

/**
 * The gateway's side of deployments, one mechanism for every artifact kind: for each desired
 * artifact it downloads (resumable), verifies SHA-256 and the hub signature, stages, activates
 * through the kind's installer, runs its health check and reports. When activation or the health
 * check fails it returns to the previous version by itself — no hub needed — and reports failed.
 */
export class ArtifactAgent {
  private entries: Record<string, Entry>;
  private readonly stateFile: string;
  private running: Promise<void> | undefined;
  private queued: DesiredArtifact[] | undefined;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly interrupted: Array<[string, Entry]>;

  constructor(private readonly opts: ArtifactAgentOptions) {
    mkdirSync(opts.dir, { recursive: true });
    this.stateFile = join(opts.dir, 'agent-state.json');
    this.entries = existsSync(this.stateFile) ? (JSON.parse(readFileSync(this.stateFile, 'utf8')) as Record<string, Entry>) : {};
    // Installs cut off by the last shutdown; recover() settles exactly these (not ones started since).
    this.interrupted = Object.entries(this.entries).filter(([, e]) => e.state === 'downloading' || e.state === 'installing' || e.state === 'verifying').map(([k, e]) => [k, e]);
    this.log = opts.logger ?? silentLogger;
    this.now = opts.now ?? Date.now;
  }

  /**
   * After a restart: an install that was cut off midway (crash, power loss) goes back to the
   * version that ran before it and is reported failed. Call once before the first converge.
   */
  async recover(): Promise<void> {
    for (const [key, e] of this.interrupted.splice(0)) {
      if (this.entries[key] !== e) continue; // the hub asked for something else meanwhile
      const installer = this.opts.installers[e.kind];
      const resumed = e.pending && installer?.resume ? await installer.resume({ kind: e.kind, name: e.name, ...e.pending }).catch((err: Error) => ({ ok: false as const, error: err.message })) : undefined;
      if (resumed?.ok) { this.set(key, { ...e, current: e.pending!, previous: e.current ?? e.previous, pending: null, state: e.rollback ? 'rolled_back' : 'active', error: null }); continue; }
      if (resumed) { this.set(key, { ...e, pending: null, state: 'failed', error: resumed.error }); continue; }
      try {
        if (e.current) await installer?.activate({ kind: e.kind, name: e.name, ...e.current });
        else await installer?.remove?.(e.kind, e.name);
        this.set(key, { ...e, pending: null, state: 'failed', error: `interrupted while ${e.state} (gateway restarted); returned to ${e.current ? `version ${e.current.version}` : 'no version'}` });
      } catch (err) {
        this.set(key, { ...e, state: 'failed', error: `interrupted while ${e.state}; returning to ${e.current?.version ?? 'nothing'} failed: ${(err as Error).message}` });
      }
    }
  }

  /** Progress per deployment, for the heartbeat. */
  reports(): DeploymentReport[] {
    return Object.values(this.entries).map((e) => ({
      deploymentId: e.deploymentId, state: e.state, version: e.current?.version ?? null, error: e.error, ...(e.metrics ? { metrics: e.metrics } : {}), at: e.at,
    }));
  }

  /** The version running for an artifact name (null: none). */
  version(kind: ArtifactKind, name: string): string | null { return this.entries[`${kind}/${name}`]?.current?.version ?? null; }

  /** Converge to what the hub wants; returns when done. Calls while busy are folded into one more pass. */
  converge(desired: readonly DesiredArtifact[]): Promise<void> {
    if (this.running) { this.queued = [...desired]; return this.running; }
    this.running = (async () => {
      let next: DesiredArtifact[] | undefined = [...desired];
      while (next) {
        for (const d of next) await this.one(d).catch((e: unknown) => this.log.error({ err: (e as Error).message, deployment: d.deploymentId }, 'artifact agent: unexpected error'));
        next = this.queued;
        this.queued = undefined;
      }
    })().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async one(d: DesiredArtifact): Promise<void> {
    const key = `${d.kind}/${d.name}`;
    const e = this.entries[key];
    const want = d.artifact?.version ?? null;
    // Already handled (done, failed or rolled back): a failed version is not retried until the hub asks anew.
    if (e && e.deploymentId === d.deploymentId && e.target === want && e.rollback === d.rollback) return;
    const installer = this.opts.installers[d.kind];
    const base: Entry = { kind: d.kind, name: d.name, current: e?.current ?? null, previous: e?.previous ?? null, deploymentId: d.deploymentId, target: want, rollback: d.rollback, state: 'downloading', error: null, at: this.now() };
    const done: Entry['state'] = d.rollback ? 'rolled_back' : 'active';
    if (!installer) return this.set(key, { ...base, state: 'failed', error: `no installer for artifact kind ${d.kind} on this gateway` });
    if ((base.current?.version ?? null) === want && (want === null || base.current?.sha256 === d.artifact?.sha256)) return this.set(key, { ...base, state: done });
    if (d.artifact === null) {
      try { await installer.remove?.(d.kind, d.name); } catch (err) { return this.set(key, { ...base, state: 'failed', error: `remove failed: ${(err as Error).message}` }); }
      return this.set(key, { ...base, current: null, previous: base.current, state: done });
    }
    this.set(key, base);
    let staged: StagedArtifact;
    try {
      const file = await downloadVerified(this.opts.get, d.artifact, join(this.opts.dir, 'store'), await this.hubKey());
      staged = { kind: d.kind, name: d.name, version: d.artifact.version, sha256: d.artifact.sha256, file };
      this.set(key, { ...base, state: 'installing', pending: { version: staged.version, sha256: staged.sha256, file } });
      await installer.stage?.(staged);
    } catch (err) {
      // Nothing was changed yet: the running version stays.
      return this.set(key, { ...base, state: 'failed', error: (err as Error).message });
    }
    let metrics: DeploymentReport['metrics'] | void;
    try {
      await installer.activate(staged);
      this.set(key, { ...base, state: 'verifying', pending: { version: staged.version, sha256: staged.sha256, file: staged.file } });
      metrics = await installer.health?.(staged, d.healthS);
    } catch (err) {
      const why = (err as Error).message;
      const back = base.current;
      try {
        if (back) await installer.activate({ kind: d.kind, name: d.name, ...back });
        else await installer.remove?.(d.kind, d.name);
      } catch (err2) {
        return this.set(key, { ...base, state: 'failed', error: `${why}; returning to ${back?.version ?? 'nothing'} also failed: ${(err2 as Error).message}` });
      }
      return this.set(key, { ...base, state: 'failed', error: `${why}; returned to ${back ? `version ${back.version}` : 'no version'}` });
    }
    const installed: Installed = { version: staged.version, sha256: staged.sha256, file: staged.file };
    this.set(key, { ...base, current: installed, previous: base.current ?? base.previous, pending: null, state: done, ...(metrics ? { metrics } : {}) });
    this.collect();
  }

  private set(key: string, e: Entry): void {
    this.entries = { ...this.entries, [key]: { ...e, at: this.now() } };
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.entries));
    renameSync(tmp, this.stateFile);
    if (e.state === 'failed') this.log.error({ artifact: key, deployment: e.deploymentId, error: e.error }, `artifact ${key}: ${e.error}`);
    else this.log.info({ artifact: key, deployment: e.deploymentId, version: e.target }, `artifact ${key}: ${e.state}`);
    this.opts.onChange?.();
  }

  /** Keep the files of current and previous versions (rollback sources); delete the rest. */
  private collect(): void {
    const keep = new Set(Object.values(this.entries).flatMap((e) => [e.current?.file, e.previous?.file]).filter((f): f is string => !!f));
    const dir = join(this.opts.dir, 'store');
    for (const f of readdirSync(dir)) if (!f.endsWith('.part') && !keep.has(join(dir, f))) rmSync(join(dir, f), { force: true });
  }

  private async hubKey(): Promise<string> {
    if (this.opts.hubKeyPem) return this.opts.hubKeyPem;
    const pinned = join(this.opts.dir, 'hub-key.pem');
    if (existsSync(pinned)) return readFileSync(pinned, 'utf8');
    // Trust on first use: the key is fetched over the authenticated hub link once and pinned.
    const res = await this.opts.get('/v1/artifacts/signing-key');
    if (!res.ok) throw new Error(`cannot fetch the hub's artifact signing key: HTTP ${res.status}`);
    const pem = ((await res.json()) as { publicKeyPem: string }).publicKeyPem;
    writeFileSync(pinned, pem);
    return pem;
  }
}
