import type { SessionOptions } from '@outpost/ml';
import type { HubContext } from '../types.js';
import { ArtifactSigner } from '../artifacts/signing-key.js';
import { DeploymentController } from '../deployments/controller.js';
import type { ModelDeployDeps } from './deploy.js';
import { ensureModelTables, modelsDb, type ModelsDb } from './db.js';
import { GroundTruth } from './ground-truth.js';
import { InferenceService } from './inference.js';
import { InferenceJobs } from './jobs.js';
import { RegistryRepo } from './repo.js';
import { UsageRepo } from './usage.js';

/** The models module's parts, built once per hub. */
export interface ModelsRuntime {
  db: ModelsDb;
  registry: RegistryRepo;
  usage: UsageRepo;
  truth: GroundTruth;
  inference: InferenceService;
  jobs: InferenceJobs;
  session: SessionOptions;
  deploy: ModelDeployDeps;
}

export async function createModelsRuntime(ctx: HubContext): Promise<ModelsRuntime> {
  const db = modelsDb(ctx.services.store);
  await ensureModelTables(db);
  const cfg = ctx.config.models;
  const session: SessionOptions = { executionProvider: cfg.executionProvider, threads: cfg.threads };
  const registry = new RegistryRepo(db);
  const usage = new UsageRepo(db, ctx.services.stored);
  const truth = new GroundTruth(db);
  const inference = new InferenceService(registry, ctx.services.objects, usage, truth, { cacheBytes: cfg.cacheBytes, maxBatch: cfg.maxBatch, session }, ctx.now);
  const jobs = new InferenceJobs(db, cfg.asyncResultTtlS * 1000, ctx.now);
  const { store, objects } = ctx.services;
  // Deployments go through the artifacts and deployments modules' own paths.
  const deploy: ModelDeployDeps = { store, objects, artifacts: { store, objects, signer: await ArtifactSigner.load(store) }, deployments: new DeploymentController(store, ctx.now, () => ctx.services.changes.bump()) };
  return { db, registry, usage, truth, inference, jobs, session, deploy };
}
