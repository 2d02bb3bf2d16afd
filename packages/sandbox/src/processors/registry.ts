/**
 * Versioned processor registry, as a library (the hub persists bundles; gateways keep them on disk).
 * Bundles are verified (ed25519) before anything in them is read, versions are immutable,
 * one version per processor is active, and activating or rolling back re-points every live
 * instance through a hot reload. Usage statistics are kept per processor and version.
 */
import type { Point } from '@outpost/contract';
import { OutpostError } from '@outpost/contract';
import { ReloadableScript } from '../reloadable.js';
import { createScript } from '../script.js';
import { UsageStats, type UsageSnapshot } from '../stats.js';
import type { CallContext, SandboxHooks, ScriptResult, ScriptRunner, ScriptSpec } from '../types.js';
import { describeErrors, validateBundle, type CompiledSchemas } from './manifest.js';
import { verifyBundle, type SignedBundle } from './signing.js';

interface StoredVersion {
  bundle: SignedBundle;
  schemas: CompiledSchemas;
  usage: UsageStats;
}

interface Entry {
  versions: Map<string, StoredVersion>;
  active: string | undefined;
  /** Previously active versions, most recent last; rollback pops from here. */
  history: string[];
  enabled: boolean;
  instances: Set<ProcessorInstance>;
}

export interface ProcessorSummary {
  name: string;
  enabled: boolean;
  active: string | undefined;
  versions: { version: string; description: string; language: string; keyId: string }[];
}

export interface RegistryOptions {
  /** PEM public keys whose signatures are accepted. */
  trustedKeys: readonly string[];
  hooks?: SandboxHooks;
}

export class ProcessorRegistry {
  private readonly entries = new Map<string, Entry>();

  private readonly trustedKeys: string[];

  constructor(private readonly options: RegistryOptions) {
    this.trustedKeys = [...options.trustedKeys];
  }

  /** Accept signatures by one more key (a gateway learns the hub's key after it starts). */
  trust(publicKeyPem: string): void {
    if (!this.trustedKeys.includes(publicKeyPem)) this.trustedKeys.push(publicKeyPem);
  }

  get hooks(): SandboxHooks | undefined {
    return this.options.hooks;
  }

  /** Verifies, validates and stores a version. The first version of a processor becomes active. */
  add(bundle: SignedBundle): ProcessorSummary {
    verifyBundle(bundle, this.trustedKeys);
    const schemas = validateBundle(bundle);
    const { name, version } = bundle.manifest;
    let entry = this.entries.get(name);
    if (entry === undefined) {
      entry = { versions: new Map(), active: undefined, history: [], enabled: true, instances: new Set() };
      this.entries.set(name, entry);
    }
    const existing = entry.versions.get(version);
    if (existing !== undefined && existing.bundle.signature.value !== bundle.signature.value) {
      throw new OutpostError('ERR_PROCESSOR_INVALID', `processor ${name}@${version} already exists with different content; versions are immutable, publish a new version`);
    }
    if (existing === undefined) entry.versions.set(version, { bundle, schemas, usage: new UsageStats() });
    entry.active ??= version;
    return this.summary(name);
  }

  list(): ProcessorSummary[] {
    return [...this.entries.keys()].sort().map((n) => this.summary(n));
  }

  summary(name: string): ProcessorSummary {
    const e = this.entry(name);
    return {
      name,
      enabled: e.enabled,
      active: e.active,
      versions: [...e.versions.values()].map((v) => ({
        version: v.bundle.manifest.version, description: v.bundle.manifest.description, language: v.bundle.manifest.language, keyId: v.bundle.signature.keyId,
      })),
    };
  }

  /** The stored bundle of a version (e.g. for the dashboard's config form from `configSchema`). */
  bundle(name: string, version: string): SignedBundle {
    return this.version(name, version).bundle;
  }

  /** Bundle and compiled schemas of a version (the active one when `version` is omitted). */
  definition(name: string, version?: string): { bundle: SignedBundle; schemas: CompiledSchemas } {
    const v = version ?? this.entry(name).active;
    if (v === undefined) throw new OutpostError('ERR_PROCESSOR_NOT_FOUND', `processor ${name} has no active version`);
    const { bundle, schemas } = this.version(name, v);
    return { bundle, schemas };
  }

  /** Makes `version` active and hot-reloads every live instance; their configs must fit its schema. */
  async activate(name: string, version: string): Promise<void> {
    const e = this.entry(name);
    const v = this.version(name, version);
    if (e.active === version) return;
    for (const inst of e.instances) checkConfig(v, inst.config, inst.id);
    const previous = e.active;
    e.active = version;
    if (previous !== undefined) e.history.push(previous);
    await Promise.all([...e.instances].map((inst) => inst.switchTo(v)));
  }

  /** Re-points to the version that was active before the current one. */
  async rollback(name: string): Promise<string> {
    const e = this.entry(name);
    const target = e.history.pop();
    if (target === undefined) throw new OutpostError('ERR_PROCESSOR_NOT_FOUND', `processor ${name} has no earlier active version to roll back to`);
    const v = this.version(name, target);
    for (const inst of e.instances) checkConfig(v, inst.config, inst.id);
    e.active = target;
    await Promise.all([...e.instances].map((inst) => inst.switchTo(v)));
    return target;
  }

  /** Disabled processors keep their versions; their instances answer with a 'disabled' failure. */
  setEnabled(name: string, enabled: boolean): void {
    this.entry(name).enabled = enabled;
  }

  isEnabled(name: string): boolean {
    return this.entry(name).enabled;
  }

  /**
   * A runner for a pipeline node: validates `config` against the version's schema and compiles it.
   * Without `version` it runs the active version and follows activations and rollbacks; with one it stays pinned.
   */
  async instantiate(name: string, opts: { id: string; config?: Record<string, unknown>; version?: string }): Promise<ProcessorInstance> {
    const e = this.entry(name);
    const chosen = opts.version ?? e.active;
    if (chosen === undefined) throw new OutpostError('ERR_PROCESSOR_NOT_FOUND', `processor ${name} has no active version`);
    const v = this.version(name, chosen);
    const config = opts.config ?? {};
    checkConfig(v, config, opts.id);
    const script = await createScript(specOf(v, opts.id, config), { ...(this.options.hooks ? { hooks: this.options.hooks } : {}), defaults: v.schemas.limits, usage: v.usage });
    const inst = new ProcessorInstance(opts.id, config, v, new ReloadableScript(script, this.options.hooks ? { hooks: this.options.hooks } : {}), this, name);
    if (opts.version === undefined) e.instances.add(inst);
    return inst;
  }

  /** @internal called by an instance's close() */
  forget(name: string, inst: ProcessorInstance): void {
    this.entries.get(name)?.instances.delete(inst);
  }

  /** Usage per version: invocations, errors, average and p95 execution time. */
  stats(name: string): Record<string, UsageSnapshot> {
    const out: Record<string, UsageSnapshot> = {};
    for (const [version, v] of this.entry(name).versions) out[version] = v.usage.snapshot();
    return out;
  }

  private entry(name: string): Entry {
    const e = this.entries.get(name);
    if (e === undefined) throw new OutpostError('ERR_PROCESSOR_NOT_FOUND', `processor ${JSON.stringify(name)} is not in the registry`);
    return e;
  }

  private version(name: string, version: string): StoredVersion {
    const v = this.entry(name).versions.get(version);
    if (v === undefined) throw new OutpostError('ERR_PROCESSOR_NOT_FOUND', `processor ${name} has no version ${JSON.stringify(version)}`);
    return v;
  }
}

function checkConfig(v: StoredVersion, config: Record<string, unknown>, id: string): void {
  if (!v.schemas.config(config)) {
    const m = v.bundle.manifest;
    throw new OutpostError('ERR_PROCESSOR_INVALID', `config of ${id} does not match the config schema of ${m.name}@${m.version}: ${describeErrors(v.schemas.config.errors)}`, {
      errors: v.schemas.config.errors,
    });
  }
}

function specOf(v: StoredVersion, id: string, config: Record<string, unknown>): ScriptSpec {
  return { id, language: v.bundle.manifest.language, source: v.bundle.source, config, limits: v.schemas.limits };
}

/** One configured use of a processor (e.g. one pipeline node); follows the active version. */
export class ProcessorInstance implements ScriptRunner {
  constructor(
    readonly id: string,
    readonly config: Record<string, unknown>,
    private current: StoredVersion,
    private readonly runner: ReloadableScript,
    private readonly registry: ProcessorRegistry,
    readonly processor: string,
  ) {}

  get language() {
    return this.runner.language;
  }

  get version(): string {
    return this.current.bundle.manifest.version;
  }

  get disabled(): boolean {
    return !this.registry.isEnabled(this.processor) || this.runner.disabled;
  }

  async run(data: Point | Point[], ctx?: CallContext): Promise<ScriptResult> {
    if (!this.registry.isEnabled(this.processor)) {
      return { ok: false, error: { reason: 'disabled', message: `processor ${this.processor} is disabled` }, logs: [], durationMs: 0 };
    }
    const v = this.current;
    const input = v.schemas.input;
    if (input !== undefined) {
      const list = Array.isArray(data) ? data : [data];
      const bad = list.findIndex((p) => !input(p));
      if (bad >= 0) return { ok: false, error: { reason: 'invalid-input', message: `input[${bad}] does not match the input schema: ${describeErrors(input.errors)}` }, logs: [], durationMs: 0 };
    }
    const result = await this.runner.run(data, ctx);
    const output = v.schemas.output;
    if (result.ok && output !== undefined) {
      const bad = result.points.findIndex((p) => !output(p));
      if (bad >= 0) return { ok: false, error: { reason: 'invalid-output', message: `output[${bad}] does not match the output schema: ${describeErrors(output.errors)}` }, logs: result.logs, durationMs: result.durationMs };
    }
    return result;
  }

  state(): Record<string, unknown> {
    return this.runner.state();
  }

  enable(): void {
    this.runner.enable();
  }

  /** @internal hot reload to another stored version (activate / rollback). */
  async switchTo(v: StoredVersion): Promise<void> {
    const hooks = this.registry.hooks;
    const script = await createScript({ ...specOf(v, this.id, this.config), state: this.runner.state() }, { ...(hooks ? { hooks } : {}), defaults: v.schemas.limits, usage: v.usage });
    this.current = v;
    await this.runner.swap(script, v.bundle.manifest.version);
  }

  async close(): Promise<void> {
    this.registry.forget(this.processor, this);
    await this.runner.close();
  }
}
