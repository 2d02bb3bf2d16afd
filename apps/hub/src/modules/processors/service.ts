import { OutpostError, type Point } from '@outpost/contract';
import type { Actor, ArtifactVersion, HubStore, ProcessorState, ProcessorUsageTotal } from '@outpost/storage/hub/index';
import { createEngineScriptRunner, ProcessorRegistry, testProcessor, type EngineScriptRunner, type ProcessorBundle, type ProcessorManifest, type ProcessorTrace, type SignedBundle } from '@outpost/sandbox';
import type { ObjectStore } from '../../core/object-store.js';
import { ArtifactSigner } from '../artifacts/signing-key.js';
import type { HubServices } from '../../core/services.js';
import type { HubContext } from '../types.js';
import { storeArtifact } from '../artifacts/store-artifact.js';
import { signProcessorBundle } from './bundle.js';

export interface ProcessorVersionView {
  name: string; version: string; description: string; language: string; manifest: ProcessorManifest;
  sha256: string; size: number; keyId: string; createdBy: string; createdAt: number;
}
export interface ProcessorSummaryView {
  name: string; enabled: boolean; active: string | null; rollbackTo: string | null;
  versions: { version: string; description: string; language: string; createdAt: number }[];
  updatedAt: number;
}

export interface HubProcessorDeps { store: HubStore; objects: ObjectStore; signer: ArtifactSigner; now: () => number }

const perHub = new WeakMap<HubServices, Promise<HubProcessors>>();
/** The hub's one HubProcessors, shared by the processors routes and the pipelines module (whichever registers first creates it). */
export function hubProcessorsOf(ctx: HubContext): Promise<HubProcessors> {
  let p = perHub.get(ctx.services);
  if (!p) {
    const { store, objects } = ctx.services;
    p = ArtifactSigner.load(store).then((signer) => new HubProcessors({ store, objects, signer, now: ctx.now }));
    perHub.set(ctx.services, p);
  }
  return p;
}

/**
 * The hub's processor registry: versions are artifacts of kind `processor` (signed bundles), the
 * state (active, rollback stack, enabled) and usage live in the store. Each organisation also has
 * a sandbox ProcessorRegistry in memory, loaded on first use and kept in step by every change made
 * here, which runs test requests and the hub's own pipeline nodes (hot reload on activate/rollback).
 */
export class HubProcessors {
  private readonly registries = new Map<string, Promise<ProcessorRegistry>>();
  /** Bundle content is immutable per object key, so parsed bundles can be kept. */
  private readonly bundles = new Map<string, SignedBundle>();
  private readonly since: number;

  constructor(private readonly d: HubProcessorDeps) {
    this.since = d.now();
  }

  async upload(actor: Actor, b: ProcessorBundle & { note?: string }): Promise<ProcessorVersionView> {
    const signed = signProcessorBundle(this.d.signer, { manifest: b.manifest, source: b.source });
    const { name, version } = signed.manifest;
    const content = Buffer.from(JSON.stringify(signed));
    const a = await storeArtifact(this.d, actor, { kind: 'processor', name, version }, content, b.note ? { note: b.note } : {}, this.d.now());
    this.bundles.set(a.objectKey, signed);
    await this.d.store.processors.ensure(actor, name, version, this.d.now());
    const cached = this.registries.get(actor.orgId);
    if (cached) (await cached).add(signed);
    return view(a, signed);
  }

  async list(orgId: string): Promise<ProcessorSummaryView[]> {
    const all = await this.d.store.artifacts.list(orgId, { kind: 'processor' });
    const names = [...new Set(all.map((a) => a.name))].sort();
    return Promise.all(names.map((n) => this.summaryOf(orgId, n, all.filter((a) => a.name === n))));
  }

  async summary(orgId: string, name: string): Promise<ProcessorSummaryView> {
    return this.summaryOf(orgId, name, await this.versionsOf(orgId, name));
  }

  async version(orgId: string, name: string, version: string): Promise<ProcessorVersionView & { source: string; signature: SignedBundle['signature'] }> {
    const a = await this.d.store.artifacts.get(orgId, 'processor', name, version, 'ERR_PROCESSOR_NOT_FOUND');
    const b = await this.bundleOf(a);
    return { ...view(a, b), source: b.source, signature: b.signature };
  }

  async activate(actor: Actor, name: string, version: string): Promise<ProcessorSummaryView> {
    await this.d.store.artifacts.get(actor.orgId, 'processor', name, version, 'ERR_PROCESSOR_NOT_FOUND');
    await this.ensureState(actor, name);
    const s = await this.d.store.processors.activate(actor, name, version, this.d.now());
    await this.follow(actor.orgId, s);
    return this.summary(actor.orgId, name);
  }

  async rollback(actor: Actor, name: string): Promise<ProcessorSummaryView> {
    await this.ensureState(actor, name);
    await this.follow(actor.orgId, await this.d.store.processors.rollback(actor, name, this.d.now()));
    return this.summary(actor.orgId, name);
  }

  async setEnabled(actor: Actor, name: string, enabled: boolean): Promise<ProcessorSummaryView> {
    await this.ensureState(actor, name);
    await this.follow(actor.orgId, await this.d.store.processors.setEnabled(actor, name, enabled, this.d.now()));
    return this.summary(actor.orgId, name);
  }

  async test(orgId: string, name: string, req: { version?: string; config?: Record<string, unknown>; sample: Point[] }): Promise<ProcessorTrace> {
    await this.versionsOf(orgId, name);
    return testProcessor(await this.synced(orgId), name, req);
  }

  /** Usage per version from every gateway's reports, and this hub's own pipeline nodes (as device `hub`). */
  async stats(orgId: string, name: string): Promise<{ name: string; versions: Record<string, ProcessorUsageTotal> }> {
    await this.versionsOf(orgId, name);
    const cached = this.registries.get(orgId);
    if (cached) {
      const own = (await cached).stats(name);
      const reports = Object.entries(own).filter(([, u]) => u.invocations > 0).map(([version, u]) => ({ name, version, since: this.since, ...u }));
      await this.d.store.processors.report(orgId, 'hub', reports, this.d.now());
    }
    return { name, versions: await this.d.store.processors.usage(orgId, name) };
  }

  /** The engine's script runner for one organisation's hub pipelines: inline scripts and its processors. */
  scriptRunner(orgId: string): EngineScriptRunner {
    const base = createEngineScriptRunner();
    return {
      compile: (source, opts) => base.compile(source, opts),
      processor: async (ref, opts) => createEngineScriptRunner({ processors: await this.synced(orgId) }).processor!(ref, opts),
    };
  }

  /** The organisation's in-memory registry, loaded from the store on first use. */
  registry(orgId: string): Promise<ProcessorRegistry> {
    let r = this.registries.get(orgId);
    if (!r) {
      r = this.load(orgId);
      r.catch(() => this.registries.delete(orgId));
      this.registries.set(orgId, r);
    }
    return r;
  }

  private async load(orgId: string): Promise<ProcessorRegistry> {
    const reg = new ProcessorRegistry({ trustedKeys: [this.d.signer.publicKeyPem] });
    // Oldest first, so a name without stored state gets its first version active, as on upload.
    const all = (await this.d.store.artifacts.list(orgId, { kind: 'processor' })).reverse();
    for (const a of all) reg.add(await this.bundleOf(a));
    for (const s of await this.d.store.processors.list(orgId)) await applyState(reg, s);
    return reg;
  }

  private async follow(orgId: string, s: ProcessorState): Promise<void> {
    if (this.registries.has(orgId)) await applyState(await this.synced(orgId), s);
  }

  /** The registry with every stored version, including ones stored through PUT /v1/artifacts since it was loaded. */
  private async synced(orgId: string): Promise<ProcessorRegistry> {
    const reg = await this.registry(orgId);
    const have = new Set(reg.list().flatMap((p) => p.versions.map((v) => `${p.name}@${v.version}`)));
    const all = (await this.d.store.artifacts.list(orgId, { kind: 'processor' })).reverse();
    for (const a of all) if (!have.has(`${a.name}@${a.version}`)) reg.add(await this.bundleOf(a));
    return reg;
  }

  private async ensureState(actor: Actor, name: string): Promise<void> {
    // A version stored through PUT /v1/artifacts has no state row yet: its oldest version is the active one.
    const versions = await this.versionsOf(actor.orgId, name);
    await this.d.store.processors.ensure(actor, name, versions[versions.length - 1]!.version, this.d.now());
  }

  private async versionsOf(orgId: string, name: string): Promise<ArtifactVersion[]> {
    const versions = await this.d.store.artifacts.list(orgId, { kind: 'processor', name });
    if (versions.length === 0) throw new OutpostError('ERR_PROCESSOR_NOT_FOUND', `processor ${JSON.stringify(name)} has no uploaded version in this organisation`);
    return versions;
  }

  private async summaryOf(orgId: string, name: string, versions: ArtifactVersion[]): Promise<ProcessorSummaryView> {
    const s = await this.d.store.processors.get(orgId, name);
    const oldest = versions[versions.length - 1];
    return {
      name, enabled: s?.enabled ?? true, active: s ? s.active : (oldest?.version ?? null), rollbackTo: s?.history.at(-1) ?? null,
      versions: await Promise.all(versions.map(async (a) => {
        const m = (await this.bundleOf(a)).manifest;
        return { version: a.version, description: m.description, language: m.language, createdAt: a.createdAt };
      })),
      updatedAt: s?.updatedAt ?? oldest?.createdAt ?? 0,
    };
  }

  private async bundleOf(a: ArtifactVersion): Promise<SignedBundle> {
    const hit = this.bundles.get(a.objectKey);
    if (hit) return hit;
    const content = await this.d.objects.get(a.objectKey);
    if (!content) throw new OutpostError('ERR_ARTIFACT_NOT_FOUND', `processor ${a.name}@${a.version}: its content is missing from the object store`);
    const b = JSON.parse(content.toString('utf8')) as SignedBundle;
    this.bundles.set(a.objectKey, b);
    return b;
  }
}

async function applyState(reg: ProcessorRegistry, s: ProcessorState): Promise<void> {
  if (s.active !== null) await reg.activate(s.name, s.active);
  reg.setEnabled(s.name, s.enabled);
}

function view(a: ArtifactVersion, b: SignedBundle): ProcessorVersionView {
  return {
    name: a.name, version: a.version, description: b.manifest.description, language: b.manifest.language, manifest: b.manifest,
    sha256: a.sha256, size: a.size, keyId: a.keyId, createdBy: a.createdBy, createdAt: a.createdAt,
  };
}
