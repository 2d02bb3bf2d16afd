import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OutpostError, type Point } from '@outpost/contract';
import { canonicalJson, checkPipeline, pipelineError, type CompileOptions } from '@outpost/engine';
import { builtinOperators } from '@outpost/operators';
import { parseTestRequest, runPipelineTest } from '@outpost/operators/pipelines/test-request';
import type { HubContext } from '../types.js';
import { requires } from '../../core/auth.js';
import { actorOf, errorResponses, orgOf, Obj } from '../../core/route-kit.js';
import type { HubLivePipelines } from './live-runner.js';
import { HUB_TEST_MAX_POINTS, replayPoints } from './replay.js';

const tags = ['pipelines'];
const IdParams = Obj({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const VersionParams = Obj({ id: Type.String({ minLength: 1, maxLength: 200 }), version: Type.Integer({ minimum: 1 }) });
const SaveBody = Type.Object({
  pipeline: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'The pipeline document.' })),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
  activate: Type.Optional(Type.Boolean({ description: 'Also run the saved version on the hub\'s ingested data.' })),
}, { additionalProperties: true, description: 'A pipeline document, or { pipeline, note?, activate? }.' });
const ActivateBody = Obj({ version: Type.Integer({ minimum: 1 }) });
const RollbackBody = Obj({ version: Type.Optional(Type.Integer({ minimum: 1 })) });
const DiffBody = Obj({
  a: Type.Integer({ minimum: 1, description: 'First version.' }),
  b: Type.Integer({ minimum: 1, description: 'Second version.' }),
  points: Type.Optional(Type.Array(Type.Unknown())),
  replay: Type.Optional(Type.Unknown()),
  options: Type.Optional(Type.Unknown()),
});
const OutputsQuery = Obj({
  pipeline: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  kind: Type.Optional(Type.Union([Type.Literal('store'), Type.Literal('alert'), Type.Literal('error')])),
  table: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100 })),
});

/** Every capability a gateway or the hub may offer, so a save checks the document itself, not where it will run. */
const anyHost: CompileOptions['host'] = {
  sinks: { store: { write() {} }, outbox: { enqueue() {} }, mqtt: { publish() {} }, webhook: { post() {} }, alert: { raise() {} } },
  scriptRunner: { compile: () => ({ run: (p) => [...p] }), processor: () => ({ run: (p) => [...p] }) },
  modelRunner: { load: () => ({ predict: () => [] }) },
};

/**
 * Saved pipelines on the hub: every save is an immutable version; versions can be listed, read
 * by number (what rollouts deliver as `name@version`), diffed on the same points, and run on
 * the hub's ingested data (activate, rollback, deactivate).
 */
export function registerVersionRoutes(app: FastifyInstance, ctx: HubContext, live: HubLivePipelines): void {
  const { store } = ctx.services;

  app.post('/v1/pipelines', { preValidation: requires('write'), schema: { tags, summary: 'Save a pipeline document as a new immutable version (unchanged content keeps the latest version); every problem → 400 with node ids.', body: SaveBody, response: errorResponses(404, 409) } }, async (req, reply) => {
    const b = req.body as Static<typeof SaveBody> & Record<string, unknown>;
    const wrapped = b.pipeline !== undefined;
    if (wrapped) {
      const extra = Object.keys(b).filter((k) => !['pipeline', 'note', 'activate'].includes(k));
      if (extra.length > 0) throw new OutpostError('ERR_QUERY_INVALID', `body: unknown field(s) ${extra.join(', ')}; expected pipeline, note, activate`);
    }
    const doc = wrapped ? b.pipeline : b;
    const issues = checkPipeline(doc, { operators: builtinOperators, host: anyHost });
    if (issues.length > 0) throw pipelineError(doc, issues);
    const pipelineId = (doc as { id: string }).id;
    const { version, created } = await store.pipelines.save(actorOf(req), pipelineId, canonicalJson(doc), (wrapped ? b.note : undefined) ?? null, ctx.now());
    const active = wrapped && b.activate === true ? await live.activate(actorOf(req), pipelineId, version.version, 'save') : undefined;
    return reply.status(created ? 201 : 200).send({ pipelineId, version: version.version, hash: version.hash, created, ...(active ? { active } : {}) });
  });

  app.get('/v1/pipelines', { preValidation: requires('read'), schema: { tags, summary: 'Saved pipelines with their latest and running versions and live counters (queue, dropped points, per-node stats).', response: errorResponses() } }, async (req) => {
    const running = live.stats(orgOf(req));
    const pipelines = (await store.pipelines.list(orgOf(req))).map((p) => ({ ...p, running: running[p.id] ?? null }));
    return { pipelines };
  });

  app.get('/v1/pipelines/outputs', { preValidation: requires('read'), schema: { tags, summary: 'Newest outputs of the hub\'s live pipelines: store rows (tables other than points), alert events, failed points.', querystring: OutputsQuery, response: errorResponses() } }, async (req) => {
    const q = req.query as Static<typeof OutputsQuery>;
    const outputs = await store.pipelineOutputs.list(orgOf(req), { limit: q.limit ?? 100, ...(q.pipeline ? { pipelineId: q.pipeline } : {}), ...(q.kind ? { kind: q.kind } : {}), ...(q.table ? { table: q.table } : {}) });
    return { outputs };
  });

  app.get('/v1/pipelines/:id', { preValidation: requires('read'), schema: { tags, summary: 'The latest version of a pipeline, with its document.', params: IdParams, response: errorResponses(404) } }, async (req) => {
    const { id } = req.params as Static<typeof IdParams>;
    const latest = await store.pipelines.latest(orgOf(req), id);
    if (!latest) throw new OutpostError('ERR_PIPELINE_VERSION', `pipeline '${id}' not found`, { pipelineId: id });
    return latest;
  });

  app.get('/v1/pipelines/:id/versions', { preValidation: requires('read'), schema: { tags, summary: 'Every version of a pipeline, oldest first, with documents and the activation history.', params: IdParams, response: errorResponses(404) } }, async (req) => {
    const { id } = req.params as Static<typeof IdParams>;
    const versions = await store.pipelines.versions(orgOf(req), id);
    const history = await store.pipelines.history(orgOf(req), id);
    return { pipelineId: id, activeVersion: history[0]?.version ?? null, versions, activations: history };
  });

  app.get('/v1/pipelines/:id/versions/:version', { preValidation: requires('read'), schema: { tags, summary: 'One version of a pipeline (name@version) with its document and hash.', params: VersionParams, response: errorResponses(404) } }, async (req) => {
    const { id, version } = req.params as Static<typeof VersionParams>;
    return store.pipelines.get(orgOf(req), id, version);
  });

  app.post('/v1/pipelines/:id/diff', { preValidation: requires('read'), schema: { tags, summary: 'Run two saved versions on the same points (inline or replayed from stored series) and report the differences in outputs.', params: IdParams, body: DiffBody, response: errorResponses(404) } }, async (req) => {
    const { id } = req.params as Static<typeof IdParams>;
    const b = req.body as Static<typeof DiffBody>;
    const orgId = orgOf(req);
    const [a, bv] = [await store.pipelines.get(orgId, id, b.a), await store.pipelines.get(orgId, id, b.b)];
    const body = { pipeline: a.doc, diff: bv.doc, ...(b.points !== undefined ? { points: b.points } : {}), ...(b.replay !== undefined ? { replay: b.replay } : {}), ...(b.options !== undefined ? { options: b.options } : {}) };
    const { req: t, replay } = parseTestRequest(body, HUB_TEST_MAX_POINTS);
    const points = replay ? await replayPoints(store, orgId, replay) : (t.points as Point[]);
    return { pipelineId: id, a: b.a, b: b.b, ...(await runPipelineTest(t, points, live.testRunners(orgId))) };
  });

  app.post('/v1/pipelines/:id/activate', { preValidation: requires('write'), schema: { tags, summary: 'Run a saved version on the hub\'s ingested data: a hot swap when a version runs (unchanged nodes keep their windows), else a start.', params: IdParams, body: ActivateBody, response: errorResponses(404) } }, async (req) => {
    const { id } = req.params as Static<typeof IdParams>;
    return live.activate(actorOf(req), id, (req.body as Static<typeof ActivateBody>).version, 'activate');
  });

  app.post('/v1/pipelines/:id/rollback', { preValidation: requires('write'), schema: { tags, summary: 'Re-point to the version that ran before (or the given one).', params: IdParams, body: RollbackBody, response: errorResponses(404) } }, async (req) => {
    const { id } = req.params as Static<typeof IdParams>;
    return live.rollback(actorOf(req), id, (req.body as Static<typeof RollbackBody> | undefined)?.version);
  });

  app.post('/v1/pipelines/:id/deactivate', { preValidation: requires('write'), schema: { tags, summary: 'Stop running a pipeline on the hub (queued points are processed and open windows emitted first).', params: IdParams, response: errorResponses(404) } }, async (req) => {
    const { id } = req.params as Static<typeof IdParams>;
    await live.deactivate(actorOf(req), id);
    return { pipelineId: id, active: null };
  });
}
