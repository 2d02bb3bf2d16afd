import { join } from 'node:path';
import type { PipelineService } from '../../pipelines/pipeline-service.js';
import type { Installers } from '../types.js';
import { fileDropInstaller } from './file-drop.js';
import { pipelineInstaller } from './pipeline.js';
import { configInstaller } from './config.js';
import { processorInstaller } from './processor.js';
import { modelInstaller } from './model.js';

export { fileDropInstaller, type FileDropOptions } from './file-drop.js';
export { pipelineInstaller } from './pipeline.js';
export { configInstaller } from './config.js';
export { modelInstaller } from './model.js';

/**
 * The installers of a hub-linked gateway, one per artifact kind. Models go where the pipelines'
 * model nodes load them (model.ts). Rule sets are dropped as files under
 * `<dataDir>/artifacts/active/<kind>/<name>`; their owner replaces the line with a
 * `fileDropInstaller({ dir, reload, health })` that reloads them. `software` is added
 * by the hub link when the gateway runs under Outpost's supervisor.
 */
export function gatewayInstallers(o: { dataDir: string; pipelines: () => PipelineService | undefined; applyConfig: (body: Record<string, unknown> | null) => Promise<void> }): Installers {
  const drop = (kind: string) => fileDropInstaller({ dir: join(o.dataDir, 'artifacts', 'active', kind) });
  return {
    pipeline: pipelineInstaller(o.pipelines),
    config: configInstaller(o.applyConfig),
    model: modelInstaller({ dataDir: o.dataDir, pipelines: o.pipelines }),
    processor: processorInstaller({ dataDir: o.dataDir, registry: () => o.pipelines()?.processors }),
    rule: drop('rule'),
  };
}
