import { OutpostError } from '@outpost/contract';
import { ModelCache, ModelMonitor, batchSize, isFlatBatch, type InferenceInput, type SessionOptions } from '@outpost/ml';
import type { ObjectStore } from '../../core/object-store.js';
import { loadExecutable, type Executable } from './executable.js';
import type { GroundTruth } from './ground-truth.js';
import type { RegistryRepo, RegistryVersion } from './repo.js';
import type { UsageRepo } from './usage.js';

export interface InferenceLimits {
  /** Memory budget of loaded models (a model counts twice its file size). */
  cacheBytes: number;
  maxBatch: number;
  session: SessionOptions;
}

/** `inputs`: rows (arrays or objects per input name), or a flat batch for a single-input model. */
export interface InferenceRequest { inputs: InferenceInput; ids?: string[] | undefined; outputs?: boolean | undefined }
export interface InferenceResult {
  model: string; version: number; tags: string[]; deprecated: boolean;
  predictions: number[]; scores: number[]; outputs?: Record<string, number[]>[];
  latencyMs: number; provider: string;
}

/**
 * Runs registered model versions for the inference API: loaded models in an LRU cache within the
 * memory budget, usage (count, errors, latency, input drift) measured per version and written to
 * the usage table every flush, predictions with caller ids kept for ground truth.
 */
/** How long a resolved version (by number, tag or default) is reused; other hub processes' tag moves show within it. */
const RESOLVE_TTL_MS = 1000;

export class InferenceService {
  readonly cache: ModelCache<Executable>;
  readonly monitor: ModelMonitor;
  private readonly resolved = new Map<string, { v: Promise<RegistryVersion>; until: number }>();

  constructor(
    private readonly registry: RegistryRepo, private readonly objects: ObjectStore, private readonly usage: UsageRepo,
    private readonly truth: GroundTruth, private readonly limits: InferenceLimits, private readonly now: () => number,
  ) {
    this.cache = new ModelCache(limits.cacheBytes, (m) => m.release());
    this.monitor = new ModelMonitor(now);
  }

  /**
   * The version a call means (see RegistryRepo.resolve), reused for a second so a busy model
   * costs no store queries per call. Changes made through this process apply at once (`forget`).
   */
  resolve(orgId: string, name: string, sel: { version?: number | undefined; tag?: string | undefined }): Promise<RegistryVersion> {
    const key = `${orgId}/${name}/${sel.version ?? ''}/${sel.tag ?? ''}`;
    const now = this.now();
    const hit = this.resolved.get(key);
    if (hit && hit.until > now) return hit.v;
    const v = this.registry.resolve(orgId, name, sel);
    this.resolved.set(key, { v, until: now + RESOLVE_TTL_MS });
    v.catch(() => this.resolved.delete(key));
    return v;
  }

  /** Drops resolved versions of a model (uploaded, re-tagged, deprecated or edited here). */
  forget(orgId: string, name: string): void {
    for (const k of this.resolved.keys()) if (k.startsWith(`${orgId}/${name}/`)) this.resolved.delete(k);
  }

  /** Checks what can be checked before any model is touched (batch size, ids). */
  checkRequest(req: InferenceRequest): void {
    const n = batchSize(req.inputs);
    if (n === 0) throw new OutpostError('ERR_INFERENCE_INPUT', 'inputs is empty; send at least one input');
    if (n > this.limits.maxBatch) {
      throw new OutpostError('ERR_INFERENCE_BATCH_TOO_LARGE', `a batch of ${n} inputs exceeds hub.models.maxBatch (${this.limits.maxBatch}); split it into smaller batches`);
    }
    if (req.ids !== undefined && req.ids.length !== n) {
      throw new OutpostError('ERR_INFERENCE_INPUT', `ids has ${req.ids.length} entries for ${n} inputs; give one id per input or none`);
    }
  }

  async infer(orgId: string, v: RegistryVersion, req: InferenceRequest): Promise<InferenceResult> {
    this.checkRequest(req);
    if (!v.executable) {
      throw new OutpostError('ERR_MODEL_NOT_EXECUTABLE', `model ${v.name} version ${v.version} is ${v.format}, stored but not executable; convert it to ONNX (${v.meta.conversion ?? 'see docs/models.md'}) and upload that`);
    }
    const key = `${orgId}/${v.name}`;
    const version = String(v.version);
    this.monitor.setReference(key, version, v.meta.reference);
    const started = performance.now();
    let rows;
    let provider = 'js';
    try {
      rows = await this.cache.use(`${key}@${v.version}`, v.sizeBytes * 2, () => this.load(v), (m) => { provider = m.provider ?? 'js'; return m.run(req.inputs, { outputs: req.outputs ?? false }); });
    } catch (e) {
      this.monitor.recordError(key, version, performance.now() - started);
      throw e;
    }
    const latencyMs = performance.now() - started;
    this.monitor.recordCall(key, version, latencyMs, isFlatBatch(req.inputs) ? req.inputs : req.inputs.filter(Array.isArray) as number[][]);
    if (req.ids) await this.truth.keep(orgId, v.name, v.version, rows.map((r, i) => ({ id: req.ids![i]!, prediction: r.prediction, score: r.score })), this.now());
    return {
      model: v.name, version: v.version, tags: v.tags, deprecated: v.deprecated !== null,
      predictions: rows.map((r) => r.prediction), scores: rows.map((r) => r.score),
      ...(req.outputs ? { outputs: rows.map((r) => r.outputs) } : {}),
      latencyMs: Math.round(latencyMs * 1000) / 1000, provider,
    };
  }

  private async load(v: RegistryVersion): Promise<Executable> {
    const bytes = await this.objects.get(v.fileKey);
    if (!bytes) throw new OutpostError('ERR_INTERNAL', `model ${v.name} version ${v.version}: file ${v.fileKey} is missing from the object store`);
    return loadExecutable(v.format, bytes, this.limits.session);
  }

  private flushing: Promise<void> = Promise.resolve();

  /**
   * Writes what the monitor measured since the last flush to the usage table (source `hub`).
   * Flushes run one after another, so a reader that flushes first (the monitoring route) also
   * waits for a timer flush already writing, and two flushes never insert the same day's row.
   */
  flush(): Promise<void> {
    const next = this.flushing.then(() => this.write(), () => this.write());
    this.flushing = next.catch(() => undefined);
    return next;
  }

  private async write(): Promise<void> {
    const byOrg = new Map<string, ReturnType<ModelMonitor['drain']>>();
    for (const r of this.monitor.drain()) {
      const [orgId, name] = r.model.split('/') as [string, string];
      byOrg.set(orgId, [...(byOrg.get(orgId) ?? []), { ...r, model: name }]);
    }
    for (const [orgId, reports] of byOrg) await this.usage.record(orgId, 'hub', reports);
  }
}
