import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutpostError } from '@outpost/contract';
import type { ModelRunner } from '@outpost/engine';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The artifact of `modelId@version` from `dir` (names are checked, so a node cannot read outside it). */
export function readModelArtifact(dir: string, modelId: string, version: string): string {
  for (const [what, v] of [['modelId', modelId], ['version', version]] as const) {
    if (!SAFE_NAME.test(v) || v.includes('..')) throw new OutpostError('ERR_PIPELINE_INVALID', `${what} ${JSON.stringify(v)}: expected letters, digits, '.', '_' or '-'`);
  }
  const file = join(dir, `${modelId}@${version}.json`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new OutpostError('ERR_PIPELINE_INVALID', `model ${modelId}@${version}: ${missing ? `no artifact file ${file} (gateway.pipelines.modelsDir)` : (e as Error).message}`);
  }
}

/**
 * `model` nodes on the gateway: Outpost's detectors (`@outpost/ml` DetectorModelRunner) with
 * artifacts from a folder. The ML package is imported on the first model node only, so gateways
 * without models do not pay for loading it.
 */
export function createFileModelRunner(dir: string, maxStreams: number): ModelRunner {
  let runner: Promise<ModelRunner> | undefined;
  return {
    async load(ref) {
      runner ??= import('@outpost/ml').then((ml) => new ml.DetectorModelRunner({ resolve: ({ modelId, version }) => readModelArtifact(dir, modelId, version), maxStreams }));
      return (await runner).load(ref);
    },
  };
}
