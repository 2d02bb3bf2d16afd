import { OutpostError } from '@outpost/contract';
import { sha256Hex } from '@outpost/contract/artifacts';
import { withOutpostMeta } from '@outpost/ml';
import type { Actor, HubStore } from '@outpost/storage/hub/index';
import type { ObjectStore } from '../../core/object-store.js';
import { storeArtifact, type ArtifactDeps } from '../artifacts/store-artifact.js';
import type { DeploymentController } from '../deployments/controller.js';
import type { CreateBody } from '../deployments/schemas.js';
import { resolveTarget } from '../deployments/target.js';
import { compatibilityProblems } from './compat.js';
import type { RegistryVersion } from './repo.js';

export interface ModelDeployDeps { store: HubStore; objects: ObjectStore; artifacts: ArtifactDeps; deployments: DeploymentController }
export type ModelDeployBody = Omit<CreateBody, 'artifact' | 'name'>;

/**
 * A registry version out to gateways through the hub's artifacts and deployments (no second
 * mechanism): every target device is checked first (ERR_MODEL_INCOMPATIBLE lists each one that
 * cannot take the model, and nothing is sent), then the file becomes the signed `model` artifact
 * `name@version` and a deployment with the given strategy (immediate, canary, rolling, A/B) starts.
 * For A/B, `strategy.versionB` names the other registry version; it is stored as an artifact too.
 */
export async function deployVersion(d: ModelDeployDeps, actor: Actor, v: RegistryVersion, b: ModelDeployBody, versionB: RegistryVersion | null, at: number) {
  if (!v.executable) throw new OutpostError('ERR_MODEL_NOT_EXECUTABLE', `model ${v.name} version ${v.version} is ${v.format}, which gateways cannot run; convert it to ONNX first`);
  const devices = await resolveTarget(d.store, actor.orgId, b.target);
  if (devices.length === 0) throw new OutpostError('ERR_DEPLOYMENT_INVALID', 'the target matches no devices');
  const problems: { device: string; name: string; reasons: string[] }[] = [];
  for (const id of devices) {
    const dev = await d.store.fleet.getDevice(actor.orgId, id);
    if (!dev) continue;
    const reasons = [v, ...(versionB ? [versionB] : [])].flatMap((x) => compatibilityProblems(x, dev).map((r) => (versionB ? `v${x.version}: ${r}` : r)));
    if (reasons.length) problems.push({ device: id, name: dev.name, reasons });
  }
  if (problems.length) {
    const first = problems.slice(0, 5).map((p) => `${p.name} (${p.device}): ${p.reasons.join('; ')}`).join(' | ');
    throw new OutpostError('ERR_MODEL_INCOMPATIBLE', `model ${v.name}@${v.version} cannot go to ${problems.length} of ${devices.length} target devices; nothing was sent: ${first}`, { devices: problems });
  }
  for (const x of [v, ...(versionB ? [versionB] : [])]) await ensureArtifact(d, actor, x, at);
  const strategy = b.strategy?.kind === 'ab' ? { ...b.strategy, versionB: String(versionB!.version) } : b.strategy;
  const rollout = await d.deployments.create(actor, { ...b, ...(strategy ? { strategy } : {}), name: `model ${v.name}@${v.version}`, artifact: { kind: 'model', name: v.name, version: String(v.version) }, start: b.start ?? true });
  return { model: { name: v.name, version: v.version }, devices: devices.length, deployment: { id: rollout.id, state: rollout.state } };
}

/**
 * The version's file as the `model` artifact name@version (stored once). An ONNX file carries the
 * version's pipeline metadata (features, drift reference) in its `metadata_props`, so gateways
 * compute drift against the same reference; metadata edited after the first deploy is a conflict.
 */
async function ensureArtifact(d: ModelDeployDeps, actor: Actor, v: RegistryVersion, at: number): Promise<void> {
  const version = String(v.version);
  const bytes = await d.objects.get(v.fileKey);
  if (!bytes || sha256Hex(bytes) !== v.sha256) throw new OutpostError('ERR_INTERNAL', `model ${v.name}@${version}: its file is missing or altered in the object store`);
  const meta = { features: v.meta.features ?? undefined, reference: v.meta.reference ?? undefined };
  const content = v.format === 'onnx' && (meta.features || meta.reference) ? Buffer.from(withOutpostMeta(bytes, meta)) : bytes;
  const existing = (await d.store.artifacts.list(actor.orgId, { kind: 'model', name: v.name })).find((a) => a.version === version);
  if (existing) {
    if (existing.sha256 !== sha256Hex(content)) throw new OutpostError('ERR_HUB_CONFLICT', `a model artifact ${v.name}@${version} with other content exists (a detector deployed under the same name, or metadata edited since the first deploy); upload a new version`);
    return;
  }
  await storeArtifact(d.artifacts, actor, { kind: 'model', name: v.name, version }, content, { source: 'registry', format: v.format }, at);
}
