import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutpostError } from '@outpost/contract';
import type { ModelUsage } from '@outpost/contract/api/hub';
import type { ModelRunner } from '@outpost/engine';
import type { ModelMonitor, OnnxModelRunner, OnnxNodeMeta } from '@outpost/ml';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkNames(modelId: string, version: string): void {
  for (const [what, v] of [['modelId', modelId], ['version', version]] as const) {
    if (!SAFE_NAME.test(v) || v.includes('..')) throw new OutpostError('ERR_PIPELINE_INVALID', `${what} ${JSON.stringify(v)}: expected letters, digits, '.', '_' or '-'`);
  }
}

function readModelFile(dir: string, modelId: string, version: string, ext: string): Buffer {
  checkNames(modelId, version);
  const file = join(dir, `${modelId}@${version}${ext}`);
  try {
    return readFileSync(file);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new OutpostError('ERR_PIPELINE_INVALID', `model ${modelId}@${version}: ${missing ? `no artifact file ${file} (gateway.pipelines.modelsDir)` : (e as Error).message}`);
  }
}

/** The artifact of `modelId@version` from `dir` (names are checked, so a node cannot read outside it). */
export function readModelArtifact(dir: string, modelId: string, version: string): string {
  return readModelFile(dir, modelId, version, '.json').toString('utf8');
}

/**
 * `<id>@<version>.onnx` and its pipeline metadata ({ features, reference }): from an optional
 * `<id>@<version>.meta.json`, else from the file's own metadata (the registry embeds it when it deploys).
 */
function readOnnx(dir: string, modelId: string, version: string, embedded: (bytes: Uint8Array) => unknown): { bytes: Uint8Array; meta: OnnxNodeMeta } {
  const bytes = readModelFile(dir, modelId, version, '.onnx');
  const metaFile = join(dir, `${modelId}@${version}.meta.json`);
  let meta = (embedded(bytes) ?? {}) as OnnxNodeMeta;
  if (existsSync(metaFile)) {
    try { meta = JSON.parse(readFileSync(metaFile, 'utf8')) as OnnxNodeMeta; } catch (e) {
      throw new OutpostError('ERR_PIPELINE_INVALID', `model ${modelId}@${version}: ${metaFile} is not valid JSON: ${(e as Error).message}`);
    }
  }
  return { bytes, meta };
}

export interface FileModelRunner extends ModelRunner {
  /** The folder model nodes read (`gateway.pipelines.modelsDir`); the model artifact installer writes there. */
  readonly dir: string;
  /** Usage of ONNX models (count, errors, latency, drift) since the last call, for the heartbeat. */
  usage(): ModelUsage[];
  /** Loads an installed ONNX version into the model cache (the model artifact installer). */
  preload(modelId: string, version: string): Promise<void>;
  /** Drops a version's file and session from the cache (replaced or removed). */
  forget(modelId: string, version: string): void;
}

/**
 * `model` nodes on the gateway: an ONNX model when `<dir>/<id>@<version>.onnx` exists, else
 * Outpost's detector artifact `<id>@<version>.json`. The ML package (and onnxruntime) are
 * imported on the first model node only, so gateways without models do not pay for loading them.
 */
export function createFileModelRunner(dir: string, maxStreams: number, opts: { cacheBytes?: number } = {}): FileModelRunner {
  let detectors: Promise<ModelRunner> | undefined;
  let onnx: Promise<OnnxModelRunner> | undefined;
  let monitor: ModelMonitor | undefined;
  const onnxRunner = () => (onnx ??= import('@outpost/ml').then((ml) => {
    monitor = new ml.ModelMonitor();
    return new ml.OnnxModelRunner({ resolve: ({ modelId, version }) => readOnnx(dir, modelId, version, ml.readOutpostMeta), monitor, ...(opts.cacheBytes ? { cacheBytes: opts.cacheBytes } : {}) });
  }));
  return {
    dir,
    async load(ref) {
      checkNames(ref.modelId, ref.version);
      if (existsSync(join(dir, `${ref.modelId}@${ref.version}.onnx`))) return (await onnxRunner()).load(ref);
      detectors ??= import('@outpost/ml').then((ml) => new ml.DetectorModelRunner({ resolve: ({ modelId, version }) => readModelArtifact(dir, modelId, version), maxStreams }));
      return (await detectors).load(ref);
    },
    usage: () => monitor?.drain() ?? [],
    async preload(modelId, version) { await (await onnxRunner()).preload(modelId, version); },
    forget(modelId, version) { void onnx?.then((r) => r.forget(modelId, version)); },
  };
}
