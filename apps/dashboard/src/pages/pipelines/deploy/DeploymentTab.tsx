import type { PipelineVersion } from '../types.js';
import { Rollouts } from './Rollouts.js';

/**
 * Where this pipeline's versions are deployed: the deployments (rollouts module) that carry them,
 * with per-device state, since when and the reason of failures; admins roll a version out here.
 * The deprecated /v1/assignments are not shown: no gateway installs anything from them (docs/rollouts.md).
 */
export function DeploymentTab({ pipelineId, versions }: { pipelineId: string; versions: PipelineVersion[] }) {
  return <Rollouts pipelineId={pipelineId} versions={versions} />;
}
