import { OutpostError, type Point } from '@outpost/contract';
import { parseArtifact, artifactToSpec, type ModelArtifact } from './artifact.js';
import { StreamMap } from './features.js';
import { createDetector } from './registry.js';
import type { Detector } from './types.js';

export interface ModelRef { modelId: string; version: string; nodeId: string }

/**
 * A loaded detector model for one pipeline node. Structurally the engine's `LoadedModel`
 * (packages/engine/src/types.ts), so this package needs no dependency on the engine.
 */
export interface DetectorNodeModel {
  predict(points: readonly Point[], opts: { outputMetric: string }): Point[];
  dispose(): void;
  readonly artifact: ModelArtifact;
  streams(): number;
  stateBytes(): number;
}

export interface DetectorRunnerOptions {
  /**
   * The model artifact (object or JSON text) of a model version: the hub's model store, or the
   * gateway's copy of deployed models. Hand-configured detectors are artifacts too (`makeArtifact`).
   */
  resolve(ref: { modelId: string; version: string }): unknown;
  /** Streams (device, metric) one node keeps before rejecting new ones; default 100 000. */
  maxStreams?: number;
}

/**
 * The engine's `ModelRunner` for Outpost's detectors: `host.modelRunner = new DetectorModelRunner(
 * { resolve })`, and `model` nodes then score points. Each input point yields at most one output
 * point (none while a stream warms up or when its timestamp goes backwards): same device and
 * time, metric = `outputMetric`, value = score in [0, 1], tags `source_metric`, `label`,
 * `anomaly` ("true" when score ≥ the artifact's threshold), `explanation` and `model`.
 * Points with quality "bad" or a non-numeric value count as missing samples.
 */
export class DetectorModelRunner {
  private readonly opts: DetectorRunnerOptions;

  constructor(opts: DetectorRunnerOptions) {
    this.opts = opts;
  }

  async load(ref: ModelRef): Promise<DetectorNodeModel> {
    const artifact = parseArtifact(await this.opts.resolve({ modelId: ref.modelId, version: ref.version }));
    // Build one detector now so a spec that cannot run (e.g. lstm-ae without weights) fails at load.
    createDetector(artifactToSpec(artifact));
    return new NodeModel(ref, artifact, this.opts.maxStreams ?? 100_000);
  }
}

class NodeModel implements DetectorNodeModel {
  readonly artifact: ModelArtifact;
  private readonly detectors: StreamMap<Detector>;
  private readonly label: string;

  constructor(ref: ModelRef, artifact: ModelArtifact, maxStreams: number) {
    this.artifact = artifact;
    this.label = `${ref.modelId}@${ref.version}`;
    this.detectors = new StreamMap((device, metric) => {
      if (this.detectors.size >= maxStreams) {
        throw new OutpostError('ERR_ENGINE_KEY_LIMIT', `node '${ref.nodeId}': detector model ${this.label} already keeps ${maxStreams} streams; (${device}, ${metric}) is rejected`, { device, metric, maxStreams });
      }
      return createDetector(artifactToSpec(artifact));
    });
  }

  predict(points: readonly Point[], opts: { outputMetric: string }): Point[] {
    const out: Point[] = [];
    for (const p of points) {
      const value = p.quality === 'bad' || typeof p.value !== 'number' ? null : p.value;
      const r = this.detectors.get(p.device, p.metric).update(p.ts, value);
      if (r === null) continue;
      out.push({
        device: p.device,
        metric: opts.outputMetric,
        ts: p.ts,
        value: r.score,
        tags: {
          ...p.tags,
          source_metric: p.metric,
          label: r.label,
          anomaly: String(r.score >= this.artifact.threshold),
          explanation: r.explanation,
          model: this.label,
        },
      });
    }
    return out;
  }

  streams(): number { return this.detectors.size; }

  stateBytes(): number {
    let total = 0;
    for (const d of this.detectors.values()) total += d.stateBytes();
    return total;
  }

  dispose(): void { this.detectors.clear(); }
}
