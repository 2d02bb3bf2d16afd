import { OutpostError } from '@outpost/contract';
import { DetectorModelRunner } from '@outpost/ml';
import type { HubStore } from '@outpost/storage/hub/index';
import { moduleDb } from './db.js';
import { ModelRepo } from './models.js';

/**
 * The engine's model runner for pipelines run on the hub (e.g. POST /v1/pipelines/test): a
 * `model` node's `modelId` is a model name of the caller's organisation and `version` its
 * version number, resolved from the hub's model versions.
 */
export function hubModelRunner(store: HubStore, orgId: string): DetectorModelRunner {
  const models = new ModelRepo(moduleDb(store));
  return new DetectorModelRunner({
    async resolve({ modelId, version }) {
      const v = Number(version);
      if (!Number.isInteger(v) || v < 1) throw new OutpostError('ERR_HUB_NOT_FOUND', `model ${modelId} version "${version}" not found; versions are 1, 2, …`);
      return (await models.get(orgId, modelId, v)).artifact;
    },
  });
}
