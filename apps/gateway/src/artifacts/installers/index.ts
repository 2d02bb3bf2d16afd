import { join } from 'node:path';
import type { PipelineService } from '../../pipelines/pipeline-service.js';
import type { Installers } from '../types.js';
import { fileDropInstaller } from './file-drop.js';
import { pipelineInstaller } from './pipeline.js';
import { configInstaller } from './config.js';
import { processorInstaller } from './processor.js';

export { fileDropInstaller, type FileDropOptions } from './file-drop.js';
export { pipelineInstaller } from './pipeline.js';
export { configInstaller } from './config.js';

/**
 * The installers of a hub-linked gateway, one per artifact kind. Models, processors and rule sets
 * are dropped as files under `<dataDir>/artifacts/active/<kind>/<name>`; their owners replace the
 * line with a `fileDropInstaller({ dir, reload, health })` that reloads them. `software` is added
 * by the hub link when the gateway runs under Outpost's supervisor.
 */
export function gatewayInstallers(o: { dataDir: string; pipelines: () => PipelineService | undefined; applyConfig: (body: Record<string, unknown> | null) => Promise<void> }): Installers {
  const drop = (kind: string) => fileDropInstaller({ dir: join(o.dataDir, 'artifacts', 'active', kind) });
  return {
    pipeline: pipelineInstaller(o.pipelines),
    config: configInstaller(o.applyConfig),
    model: drop('model'),
    processor: processorInstaller({ dataDir: o.dataDir, registry: () => o.pipelines()?.processors }),
    rule: drop('rule'),
  };
}
