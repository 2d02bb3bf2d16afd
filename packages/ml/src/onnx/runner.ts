import { OutpostError, type Point } from '@outpost/contract';
import type { DriftReference } from '../monitoring/drift.js';
import type { ModelMonitor } from '../monitoring/monitor.js';
import { ModelCache } from './cache.js';
import { RowAssembler } from './rows.js';
import { OnnxModel, type SessionOptions } from './session.js';

/** What a pipeline needs besides the ONNX bytes: which metrics form an input row, and the drift reference. */
export interface OnnxNodeMeta {
  /** Metric names forming one input row, in the model's feature order; omitted for a one-feature model (each point is a row). */
  features?: string[];
  reference?: DriftReference | null;
}

export interface OnnxRunnerOptions extends SessionOptions {
  resolve(ref: { modelId: string; version: string }): Promise<{ bytes: Uint8Array; meta?: OnnxNodeMeta }> | { bytes: Uint8Array; meta?: OnnxNodeMeta };
  /** Memory budget of loaded models (estimated as twice the file size); default 512 MiB. */
  cacheBytes?: number;
  monitor?: ModelMonitor;
}

/** A resolved file; `cacheKey` differs per resolution, so a swapped file never meets the old session. */
interface Resolved { bytes: Uint8Array; meta: OnnxNodeMeta; cacheKey: string }

/**
 * The engine's `ModelRunner` for ONNX models. Each point (one-feature models) or each complete
 * set of `features` metrics of a device at one timestamp is one input row; the output point has
 * the device and time of its row, metric = `outputMetric`, value = the score, and tags `model`
 * and `prediction`. Loaded sessions live in one LRU cache shared by every node of this runner.
 */
export class OnnxModelRunner {
  readonly cache: ModelCache<OnnxModel>;
  private readonly files = new Map<string, Promise<Resolved>>();
  private generation = 0;

  constructor(readonly opts: OnnxRunnerOptions) {
    this.cache = new ModelCache(opts.cacheBytes ?? 512 * 1024 * 1024, (m) => m.release());
  }

  private file(modelId: string, version: string): Promise<Resolved> {
    const key = `${modelId}@${version}`;
    let f = this.files.get(key);
    if (!f) {
      const cacheKey = `${key}#${++this.generation}`;
      f = Promise.resolve(this.opts.resolve({ modelId, version })).then((r) => ({ bytes: r.bytes, meta: r.meta ?? {}, cacheKey }));
      this.files.set(key, f);
      f.catch(() => this.files.delete(key));
    }
    return f;
  }

  /** Runs `fn` with the loaded session of a version (loading it into the cache when absent). */
  async withModel<R>(modelId: string, version: string, fn: (m: OnnxModel, meta: OnnxNodeMeta) => Promise<R>): Promise<R> {
    const { bytes, meta, cacheKey } = await this.file(modelId, version);
    return this.cache.use(cacheKey, bytes.length * 2, () => OnnxModel.load(bytes, this.opts), (m) => fn(m, meta));
  }

  /** Loads a version into the cache ahead of its first use (the gateway's model installer). */
  preload(modelId: string, version: string): Promise<void> {
    return this.withModel(modelId, version, async () => undefined);
  }

  /** Forgets a version's file and session (replaced or removed); running calls finish on the old one. */
  forget(modelId: string, version: string): void {
    const key = `${modelId}@${version}`;
    const f = this.files.get(key);
    this.files.delete(key);
    void f?.then((r) => this.cache.invalidate(r.cacheKey), () => undefined);
  }

  async load(ref: { modelId: string; version: string; nodeId: string }): Promise<OnnxNodeModel> {
    const { meta } = await this.file(ref.modelId, ref.version);
    const { width, type } = await this.withModel(ref.modelId, ref.version, async (m) => {
      if (m.schema.inputs.length !== 1) throw new OutpostError('ERR_PIPELINE_INVALID', `node '${ref.nodeId}': model ${ref.modelId}@${ref.version} has ${m.schema.inputs.length} inputs; pipeline model nodes feed single-input models`);
      const input = m.schema.inputs[0]!;
      return { width: input.shape.slice(1).reduce<number>((a, d) => a * Number(d), 1), type: input.type };
    });
    const features = meta.features ?? [];
    if (features.length === 0 ? width !== 1 : features.length !== width) {
      throw new OutpostError('ERR_PIPELINE_INVALID', `node '${ref.nodeId}': model ${ref.modelId}@${ref.version} takes ${width} features per row but its metadata names ${features.length} feature metrics (metadata "features")`);
    }
    this.opts.monitor?.setReference(ref.modelId, ref.version, meta.reference ?? null);
    return new OnnxNodeModel(this, ref, features, type === 'float32' ? 'float32' : 'float64');
  }
}

/** Rows assembled per device from the feature metrics of one timestamp (see RowAssembler). */
export class OnnxNodeModel {
  private readonly rows: RowAssembler;
  private readonly label: string;

  constructor(private readonly runner: OnnxModelRunner, private readonly ref: { modelId: string; version: string; nodeId: string }, features: string[], type: 'float32' | 'float64' = 'float64') {
    this.label = `${ref.modelId}@${ref.version}`;
    this.rows = new RowAssembler(features, type);
  }

  /** Rows dropped because a newer timestamp arrived before all their features did. */
  get incomplete(): number { return this.rows.incomplete; }

  async predict(points: readonly Point[], opts: { outputMetric: string }): Promise<Point[]> {
    const { batch, keys } = this.rows.rowsOf(points);
    if (batch.rows === 0) return [];
    const monitor = this.runner.opts.monitor;
    const started = performance.now();
    let results;
    try {
      results = await this.runner.withModel(this.ref.modelId, this.ref.version, (m) => m.run(batch, { outputs: false }));
    } catch (e) {
      monitor?.recordError(this.ref.modelId, this.ref.version, performance.now() - started);
      throw e;
    }
    monitor?.recordCall(this.ref.modelId, this.ref.version, performance.now() - started, batch);
    const out: Point[] = new Array(results.length);
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      const k = keys[i]!;
      out[i] = { device: k.device, metric: opts.outputMetric, ts: k.ts, value: r.score, tags: { ...k.tags, model: this.label, prediction: String(r.prediction) } };
    }
    return out;
  }

  dispose(): void { this.rows.clear(); }
}
