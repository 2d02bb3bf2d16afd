import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OutpostError } from '@outpost/contract';
import type { HubContext } from '../types.js';
import { requires } from '../../core/auth.js';
import { actorOf, errorResponses, orgOf, range } from '../../core/route-kit.js';
import type { ModelsRuntime } from './runtime.js';
import { prepareUpload, referenceOf, rowWidth } from './upload.js';
import { usageCsv } from './usage.js';
import { deployVersion, type ModelDeployBody } from './deploy.js';
import { CompareQuery, DeployBody, DeprecateBody, GroundTruthBody, MonitoringQuery, NameParams, PatchBody, TagBody, TagParams, UploadQuery, VersionParams } from './schemas.js';

const tags = ['models'];
type VP = Static<typeof VersionParams>;

/** Registry routes: upload and validate, list, metadata, download, tags, deprecation, monitoring, ground truth. */
export async function registryRoutes(app: FastifyInstance, ctx: HubContext, rt: ModelsRuntime): Promise<void> {
  const { registry, usage, truth, inference } = rt;
  const cfg = ctx.config.models;

  await app.register(async (scope) => {
    // The body is the model file, whatever its content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: cfg.maxUploadBytes }, (_req, body, done) => done(null, body));
    scope.post('/v1/registry/models/:name/versions', {
      preValidation: requires('write'), bodyLimit: cfg.maxUploadBytes,
      schema: { tags, summary: 'Upload a model file as the next version (ONNX and detector artifacts are validated and executable; TF, TFLite, PyTorch and pickles are stored only, never loaded).', params: NameParams, querystring: UploadQuery, response: errorResponses(413, 422) },
    }, async (req, reply) => {
      const actor = actorOf(req);
      const { name } = req.params as Static<typeof NameParams>;
      const q = req.query as Static<typeof UploadQuery>;
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const { version } = await prepareUpload(name, bytes, q, actor.id, ctx.now(), rt.session);
      // The file goes first under a key naming its hash, so a stored version always has its file.
      const key = `models/${actor.orgId}/${name}/${version.sha256}`;
      await ctx.services.objects.put(key, bytes);
      const v = await registry.add(actor, version, () => key);
      if (q.tag) await registry.setTag(actor, name, q.tag, v.version, ctx.now());
      inference.forget(actor.orgId, name);
      return reply.status(201).send(await registry.get(actor.orgId, name, v.version));
    });
  });

  app.get('/v1/registry/models', { preValidation: requires('read'), schema: { tags, summary: 'Registered models: latest version, number of versions, tags.', response: errorResponses() } },
    async (req) => ({ items: await registry.list(orgOf(req)) }));

  app.get('/v1/registry/models/:name/versions', { preValidation: requires('read'), schema: { tags, summary: 'Every version of a model, newest first, with metadata.', params: NameParams, response: errorResponses(404) } },
    async (req) => ({ items: await registry.versions(orgOf(req), (req.params as Static<typeof NameParams>).name) }));

  app.get('/v1/registry/models/:name/versions/:version', { preValidation: requires('read'), schema: { tags, summary: 'One version: format, schema, size, metrics, tags, deprecation, downloads.', params: VersionParams, response: errorResponses(404) } },
    async (req) => { const p = req.params as VP; return registry.get(orgOf(req), p.name, p.version); });

  app.patch('/v1/registry/models/:name/versions/:version', { preValidation: requires('write'), schema: { tags, summary: 'Update descriptive metadata and the drift reference (from a sample of training inputs).', params: VersionParams, body: PatchBody, response: errorResponses(404) } }, async (req) => {
    const p = req.params as VP;
    const b = req.body as Static<typeof PatchBody>;
    const actor = actorOf(req);
    const v = await registry.get(actor.orgId, p.name, p.version);
    const width = rowWidth(v.schema);
    if (b.features && width !== null && b.features.length !== width) throw new OutpostError('ERR_MODEL_INVALID', `features names ${b.features.length} metrics, but the model's input takes ${width} values per row`);
    const meta = {
      ...v.meta,
      ...(b.expectedLatencyMs !== undefined ? { expectedLatencyMs: b.expectedLatencyMs } : {}),
      ...(b.metrics !== undefined ? { metrics: b.metrics } : {}),
      ...(b.features !== undefined ? { features: b.features } : {}),
      ...(b.referenceSample !== undefined ? { reference: referenceOf(b.referenceSample, width) ?? null } : {}),
    };
    const updated = await registry.updateMeta(actor, p.name, p.version, { description: b.description, meta }, ctx.now());
    inference.forget(actor.orgId, p.name);
    return updated;
  });

  app.get('/v1/registry/models/:name/versions/:version/file', { preValidation: requires('read'), schema: { tags, summary: 'Download the model file (counted in the version\'s download statistics).', params: VersionParams, response: errorResponses(404) } }, async (req, reply) => {
    const p = req.params as VP;
    const orgId = orgOf(req);
    const v = await registry.get(orgId, p.name, p.version);
    const bytes = await ctx.services.objects.get(v.fileKey);
    if (!bytes) throw new OutpostError('ERR_HUB_NOT_FOUND', `model ${p.name} version ${p.version}: its file is missing from the object store`);
    await registry.countDownload(orgId, p.name, p.version);
    const filename = (v.meta.filename ?? `${p.name}-${p.version}.${v.format === 'onnx' ? 'onnx' : 'bin'}`).replace(/[^A-Za-z0-9._-]/g, '_');
    return reply.header('content-type', 'application/octet-stream').header('content-disposition', `attachment; filename="${filename}"`).header('x-outpost-sha256', v.sha256).send(bytes);
  });

  app.put('/v1/registry/models/:name/tags/:tag', { preValidation: requires('write'), schema: { tags, summary: 'Point a tag (production, staging, experimental) at a version; calls without a version use production.', params: TagParams, body: TagBody, response: errorResponses(404) } }, async (req) => {
    const p = req.params as Static<typeof TagParams>;
    const actor = actorOf(req);
    await registry.setTag(actor, p.name, p.tag, (req.body as Static<typeof TagBody>).version, ctx.now());
    inference.forget(actor.orgId, p.name);
    return registry.get(actor.orgId, p.name, (req.body as Static<typeof TagBody>).version);
  });

  app.post('/v1/registry/models/:name/versions/:version/deprecate', { preValidation: requires('write'), schema: { tags, summary: 'Mark a version deprecated (still callable by number or tag; skipped as the default).', params: VersionParams, body: DeprecateBody, response: errorResponses(404) } }, async (req) => {
    const p = req.params as VP;
    const actor = actorOf(req);
    const v = await registry.deprecate(actor, p.name, p.version, (req.body as Static<typeof DeprecateBody>).reason, ctx.now());
    inference.forget(actor.orgId, p.name);
    return v;
  });

  app.post('/v1/registry/models/:name/versions/:version/deploy', { preValidation: requires('write'), schema: { tags, summary: 'Deploy a version to gateways through artifacts and deployments (strategy immediate, canary, rolling or ab with versionB), after checking every target device: free storage, memory, ONNX runtime, architecture (ERR_MODEL_INCOMPATIBLE, nothing sent).', params: VersionParams, body: DeployBody, response: errorResponses(404, 409) } }, async (req, reply) => {
    const p = req.params as VP;
    const b = req.body as ModelDeployBody;
    const actor = actorOf(req);
    const v = await registry.get(actor.orgId, p.name, p.version);
    const versionB = b.strategy?.kind === 'ab' ? await registry.get(actor.orgId, p.name, Number(b.strategy.versionB)) : null;
    return reply.status(201).send(await deployVersion(rt.deploy, actor, v, b, versionB, ctx.now()));
  });

  app.get('/v1/registry/models/:name/monitoring', { preValidation: requires('read'), schema: { tags, summary: 'Per version and day: inference count, error rate, latency p50/p95/p99, input drift (PSI, KL); accuracy on ground truth per version over the range and per day of the prediction (accuracyByDay); hub and gateways. format=csv exports it.', params: NameParams, querystring: MonitoringQuery, response: errorResponses(404) } }, async (req, reply) => {
    const { name } = req.params as Static<typeof NameParams>;
    const q = req.query as Static<typeof MonitoringQuery>;
    const orgId = orgOf(req);
    await registry.versions(orgId, name); // 404 for an unknown model
    await inference.flush();
    const r = range(q, ctx.now());
    const days = await usage.days(orgId, name, r, { version: q.version === undefined ? undefined : String(q.version), bySource: q.bySource ?? false });
    const accuracy = await truth.accuracy(orgId, name, r);
    if (q.format === 'csv') {
      const acc = new Map(accuracy.map((a) => [String(a.version), a.accuracy]));
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}-monitoring.csv"`).send(usageCsv(days, acc));
    }
    return { model: name, from: r.from, to: r.to, days, accuracy, accuracyByDay: await truth.accuracyByDay(orgId, name, r) };
  });

  app.get('/v1/registry/models/:name/compare', { preValidation: requires('read'), schema: { tags, summary: 'Two versions side by side over a range (an A/B deployment\'s comparison): count, error rate, latency p50/p95/p99, drift, accuracy, from the hub and every gateway.', params: NameParams, querystring: CompareQuery, response: errorResponses(404) } }, async (req) => {
    const { name } = req.params as Static<typeof NameParams>;
    const q = req.query as Static<typeof CompareQuery>;
    const orgId = orgOf(req);
    await Promise.all([registry.get(orgId, name, q.a), registry.get(orgId, name, q.b)]);
    await inference.flush();
    const r = range(q, ctx.now());
    const accuracy = await truth.accuracy(orgId, name, r);
    const side = async (version: number) => {
      const [usageRow] = await usage.days(orgId, name, r, { version: String(version), wholeRange: true });
      const acc = accuracy.find((a) => a.version === version) ?? null;
      return { version, usage: usageRow ?? null, accuracy: acc };
    };
    return { model: name, from: r.from, to: r.to, a: await side(q.a), b: await side(q.b) };
  });

  app.post('/v1/registry/models/:name/ground-truth', { preValidation: requires('write'), schema: { tags, summary: 'Ground-truth labels for predictions made with ids; accuracy appears in monitoring.', params: NameParams, body: GroundTruthBody, response: errorResponses(404) } }, async (req) => {
    const { name } = req.params as Static<typeof NameParams>;
    const orgId = orgOf(req);
    const at = ctx.now();
    const res = await truth.label(orgId, name, (req.body as Static<typeof GroundTruthBody>).labels, at);
    // Accuracy so far as `model.accuracy` points, for the `model` alert rule kind.
    const acc = await truth.accuracy(orgId, name, { from: 0, to: at + 1 });
    ctx.services.stored.emit(orgId, acc.map((a) => ({ device: 'hub', metric: 'model.accuracy', ts: at, value: a.accuracy, tags: { model: `${name}@${a.version}` } })));
    return res;
  });
}
