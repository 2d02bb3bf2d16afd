import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { estimateTraining } from '@outpost/ml';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { actorOf, errorResponses, IdParams, orgOf } from '../../core/route-kit.js';
import { ensureMlTables, moduleDb } from './db.js';
import { ModelRepo } from './models.js';
import { TrainingJobs } from './jobs.js';
import { loadTrainingData, resolveDevices } from './data.js';
import { deployModel, type DeployDeps } from './deploy.js';
import { ArtifactSigner } from '../artifacts/signing-key.js';
import { DeploymentController } from '../deployments/controller.js';
import { DeployBody, ModelParams, NameParams, TrainingJobBody } from './schemas.js';

type JobBody = Static<typeof TrainingJobBody>;

/** Training limits for hub jobs: a job over them is refused with its estimate before it starts. */
export const HUB_TRAINING_LIMITS = { maxCombinations: 200, maxSeconds: 600 };

/**
 * Training jobs (POST/GET /v1/training-jobs, cancel), model versions (list, get, upload an
 * artifact, deploy through artifacts and deployments). The job runner lives in this hub process.
 */
export const trainingModule: HubModule = {
  name: 'training',
  async register(app, ctx) {
    const { store } = ctx.services;
    const db = moduleDb(store);
    await ensureMlTables(db);
    const models = new ModelRepo(db);
    const jobs = new TrainingJobs(db, models, ctx.now);
    await jobs.start();
    app.addHook('onClose', () => jobs.close());
    const tags = ['training'];
    // Deploys go through the artifacts and deployments modules' own paths (no second mechanism).
    const deps: DeployDeps = {
      store, db, models,
      artifacts: { store, objects: ctx.services.objects, signer: await ArtifactSigner.load(store) },
      deployments: new DeploymentController(store, ctx.now, () => ctx.services.changes.bump()),
    };

    /** Validates the request against stored data and the limits; returns what a job will run. */
    const prepare = async (orgId: string, b: JobBody) => {
      // Algorithm, parameters and grid size are checked before any data is read.
      estimateTraining({ kind: b.algorithm, ts: [], values: [], limits: HUB_TRAINING_LIMITS, ...(b.params ? { params: b.params } : {}), ...(b.grid ? { grid: b.grid } : {}) });
      const devices = await resolveDevices(store, orgId, b);
      const data = await loadTrainingData(store, orgId, devices, b);
      const train = {
        kind: b.algorithm, ts: data.ts, values: data.values, limits: HUB_TRAINING_LIMITS,
        ...(b.params ? { params: b.params } : {}), ...(b.grid ? { grid: b.grid } : {}), ...(data.labels ? { labels: data.labels } : {}),
      };
      const estimate = { ...estimateTraining(train), streams: data.streams };
      return { train, estimate };
    };

    app.post('/v1/training-jobs/estimate', { preValidation: requires('write'), schema: { tags, summary: 'Size and duration of a training job, without starting it (ERR_ML_GRID_TOO_LARGE over the limits).', body: TrainingJobBody, response: errorResponses(404) } }, async (req) => {
      const { estimate } = await prepare(orgOf(req), req.body as JobBody);
      return { estimate, limits: HUB_TRAINING_LIMITS };
    });

    app.post('/v1/training-jobs', { preValidation: requires('write'), schema: { tags, summary: 'Start a training job on stored data; answers 202 with the job and its estimate.', body: TrainingJobBody, response: errorResponses(404) } }, async (req, reply) => {
      const b = req.body as JobBody;
      const actor = actorOf(req);
      const { train, estimate } = await prepare(actor.orgId, b);
      const { labels: _labels, ...request } = b;
      const job = await jobs.submit({ orgId: actor.orgId, id: randomUUID(), actor: actor.id, name: b.name, request: { ...request, labelled: b.labels !== undefined }, estimate, train });
      return reply.status(202).send(job);
    });

    app.get('/v1/training-jobs', { preValidation: requires('read'), schema: { tags, summary: 'Training jobs, newest first.', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) }, { additionalProperties: false }), response: errorResponses() } }, async (req) => {
      return { items: await jobs.list(orgOf(req), (req.query as { limit?: number }).limit ?? 50) };
    });

    app.get('/v1/training-jobs/:id', { preValidation: requires('read'), schema: { tags, summary: 'A training job: status, progress (percent, stage, ETA), estimate, resulting model version.', params: IdParams, response: errorResponses(404) } }, async (req) => {
      return jobs.get(orgOf(req), (req.params as { id: string }).id);
    });

    app.post('/v1/training-jobs/:id/cancel', { preValidation: requires('write'), schema: { tags, summary: 'Cancel a queued or running job; it stores no model version.', params: IdParams, response: errorResponses(404, 409) } }, async (req, reply) => {
      return reply.status(202).send(await jobs.cancel(orgOf(req), (req.params as { id: string }).id));
    });

    app.get('/v1/models', { preValidation: requires('read'), schema: { tags, summary: 'Model versions (with their metrics), newest version first per name.', response: errorResponses() } }, async (req) => {
      return { items: await models.list(orgOf(req)) };
    });

    app.get('/v1/models/:name/versions/:version', { preValidation: requires('read'), schema: { tags, summary: 'One model version with its artifact (outpost.anomaly-model v1).', params: ModelParams, response: errorResponses(404) } }, async (req) => {
      const p = req.params as Static<typeof ModelParams>;
      const m = await models.get(orgOf(req), p.name, p.version);
      return { ...m.meta, artifact: m.artifact };
    });

    app.post('/v1/models/:name/versions', { preValidation: requires('write'), schema: { tags, summary: 'Store a model artifact as the next version (ERR_ML_ARTIFACT_INVALID when it does not match the schema).', params: NameParams, response: errorResponses() } }, async (req, reply) => {
      const actor = actorOf(req);
      const v = await models.add(actor.orgId, (req.params as { name: string }).name, req.body, { actor: actor.id, jobId: null }, ctx.now());
      return reply.status(201).send(v);
    });

    app.post('/v1/models/:name/versions/:version/deploy', { preValidation: requires('write'), schema: { tags, summary: 'Deploy a model version to devices or a device type: stored as the signed `model` artifact name@version and rolled out by an immediate deployment; the hub also scores their ingested points of the model\'s metrics.', params: ModelParams, body: DeployBody, response: errorResponses(404, 409) } }, async (req) => {
      const p = req.params as Static<typeof ModelParams>;
      const actor = actorOf(req);
      await models.get(actor.orgId, p.name, p.version);
      return deployModel(deps, actor, p, req.body as Static<typeof DeployBody>, ctx.now());
    });
  },
};
