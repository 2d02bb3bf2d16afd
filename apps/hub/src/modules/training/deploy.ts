import { OutpostError } from '@outpost/contract';
import { ARTIFACT_NAME_PATTERN, sha256Hex } from '@outpost/contract/artifacts';
import type { Actor, HubStore } from '@outpost/storage/hub/index';
import { storeArtifact, type ArtifactDeps } from '../artifacts/store-artifact.js';
import type { DeploymentController } from '../deployments/controller.js';
import type { ModelRepo } from './models.js';
import { setLiveScoring } from '../anomalies/live.js';
import type { MlDb } from './db.js';

/** The metrics a model version scores: given with the deploy, else those its training job used. */
async function scoredMetrics(db: MlDb, orgId: string, m: { name: string; version: number }, given: readonly string[] | undefined): Promise<string[]> {
  if (given) return [...new Set(given)];
  const row = await db.selectFrom('ml_models').innerJoin('ml_training_jobs', 'ml_training_jobs.id', 'ml_models.job_id').select('ml_training_jobs.request')
    .where('ml_models.org_id', '=', orgId).where('ml_models.name', '=', m.name).where('ml_models.version', '=', m.version).executeTakeFirst();
  const metrics = row ? (JSON.parse(row.request) as { metrics?: unknown }).metrics : undefined;
  return Array.isArray(metrics) ? metrics.filter((x): x is string => typeof x === 'string') : [];
}

/** What a deploy needs: the hub store, the ML tables, the artifact store path and the deployment controller. */
export interface DeployDeps {
  store: HubStore;
  db: MlDb;
  models: ModelRepo;
  artifacts: ArtifactDeps;
  deployments: DeploymentController;
}

/**
 * The model version as a `model` artifact of the same name and version (stored, hashed and
 * signed on first deploy; reused afterwards). The content is the canonical JSON of the version's
 * artifact, so the same version always has the same hash; a `model` artifact of that name and
 * version with other content (an ONNX model of the same name, say) is a conflict.
 */
async function modelArtifact(d: DeployDeps, actor: Actor, m: { name: string; version: number }, at: number) {
  const where = `model ${m.name}@${m.version}`;
  if (!new RegExp(ARTIFACT_NAME_PATTERN).test(m.name)) throw new OutpostError('ERR_HUB_INVALID', `${where}: artifact names are letters, digits, '.', '_' and '-' (up to 128), so this model cannot be deployed; store it under such a name`);
  const content = Buffer.from(JSON.stringify((await d.models.get(actor.orgId, m.name, m.version)).artifact));
  const version = String(m.version);
  const existing = (await d.store.artifacts.list(actor.orgId, { kind: 'model', name: m.name })).find((a) => a.version === version);
  if (!existing) return storeArtifact(d.artifacts, actor, { kind: 'model', name: m.name, version }, content, { source: 'training', detector: true }, at);
  if (existing.sha256 !== sha256Hex(content)) throw new OutpostError('ERR_HUB_CONFLICT', `${where}: a model artifact ${m.name}@${version} with other content exists (an ONNX model of the same name?); store the detector under another name`);
  return existing;
}

/**
 * Deploys a model version through the hub's artifacts and deployments (the same path as every
 * other artifact): the version becomes the signed `model` artifact `name@version`, and an
 * immediate deployment to the devices or device type starts; gateways receive it as a desired
 * artifact in the heartbeat and report back (GET /v1/deployments/:id). Deploying another version
 * is the rollback; while an earlier deployment of the model is still running it is refused
 * (ERR_DEPLOYMENT_STATE: cancel it first). The hub also scores the targets' ingested points of
 * the model's metrics with it (anomalies/live.ts); `metrics: []` turns that off.
 */
export async function deployModel(d: DeployDeps, actor: Actor, m: { name: string; version: number }, to: { devices?: string[]; deviceType?: string; metrics?: string[] }, at: number) {
  const { store, db } = d;
  if ((to.devices === undefined) === (to.deviceType === undefined)) throw new OutpostError('ERR_HUB_INVALID', 'give exactly one of devices (device ids) or deviceType (a device type id)');
  const targets = to.devices ? [...new Set(to.devices)].map((id) => ({ kind: 'device' as const, id })) : [{ kind: 'device_type' as const, id: to.deviceType! }];
  // Check every target first so a bad id in the list deploys nothing.
  for (const t of targets) {
    const found = t.kind === 'device' ? await store.fleet.getDevice(actor.orgId, t.id) : await store.fleet.getDeviceType(actor.orgId, t.id);
    if (!found) throw new OutpostError('ERR_HUB_NOT_FOUND', `${t.kind === 'device' ? 'device' : 'device type'} ${t.id} not found`);
  }
  const artifact = await modelArtifact(d, actor, m, at);
  const target = to.devices ? { devices: [...new Set(to.devices)] } : { deviceType: to.deviceType! };
  const rollout = await d.deployments.create(actor, { name: `detector ${m.name}@${m.version}`, artifact: { kind: 'model', name: m.name, version: artifact.version }, target, start: true });
  const metrics = await scoredMetrics(db, actor.orgId, m, to.metrics);
  await setLiveScoring(db, actor.orgId, m, targets, metrics, at);
  return {
    model: m,
    artifact: { kind: 'model', name: artifact.name, version: artifact.version, sha256: artifact.sha256 },
    deployment: { id: rollout.id, state: rollout.state },
    hubScoring: { metrics },
  };
}
