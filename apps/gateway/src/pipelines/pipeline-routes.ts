import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OutpostError } from '@outpost/contract';
import type { GatewayStore } from '@outpost/storage';
import type { PipelineService } from './pipeline-service.js';
import { parseTestRequest, runPipelineTest } from '@outpost/operators/pipelines/test-request';

/** Bodies arrive as raw buffers on this API (the points route dead-letters malformed ones as sent). */
function jsonBody(req: FastifyRequest, required = true): Record<string, unknown> {
  const raw = req.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : undefined;
  if (text === undefined || text.trim() === '') {
    if (!required) return {};
    throw new OutpostError('ERR_QUERY_INVALID', 'body: expected a JSON object');
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new OutpostError('ERR_QUERY_INVALID', `body: malformed JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new OutpostError('ERR_QUERY_INVALID', 'body: expected a JSON object');
  return v as Record<string, unknown>;
}

function versionOf(body: Record<string, unknown>, required: boolean): number | undefined {
  const v = body.version;
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new OutpostError('ERR_QUERY_INVALID', `version: expected a version number (integer ≥ 1), got ${JSON.stringify(v)}`);
  return v;
}

const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] } as const;
const tags = ['pipelines'];

/**
 * Pipelines on the gateway's local API: save versions, list, activate, roll back, deactivate, and
 * test or diff a document against inline points or a replay of the local store.
 */
export function registerPipelineRoutes(app: FastifyInstance, deps: { pipelines: PipelineService; store: GatewayStore; testMaxPoints: number }): void {
  const { pipelines } = deps;

  app.post('/v1/pipelines', { schema: { tags, summary: 'Save a pipeline document as a new immutable version', description: 'Body: the document, or `{ "pipeline": doc, "note"?: string, "activate"?: boolean }`. A document that does not compile answers 400 with `details.issues` (node id, code, path, position). Saving the same content as the latest version answers 200 with that version.' } }, async (req, reply) => {
    const body = jsonBody(req);
    const wrapped = 'pipeline' in body;
    const doc = wrapped ? body.pipeline : body;
    const note = wrapped && typeof body.note === 'string' ? body.note : undefined;
    const { version, created } = await pipelines.save(doc, note);
    const activated = wrapped && body.activate === true ? await pipelines.activate(version.pipelineId, version.version) : undefined;
    return reply.code(created ? 201 : 200).send({
      pipelineId: version.pipelineId, version: version.version, hash: version.hash, createdAt: version.createdAt, created,
      ...(activated ? { active: true, keptState: activated.keptState } : {}),
    });
  });

  app.get('/v1/pipelines', { schema: { tags, summary: 'Pipelines with their latest and active versions, and live counters' } }, async () => {
    const live = pipelines.stats();
    return { pipelines: pipelines.versions.list().map((p) => ({ ...p, running: live.active[p.id] ?? null })), sinks: live.sinks };
  });

  const limitQuery = { type: 'object', additionalProperties: false, properties: { table: { type: 'string', minLength: 1, maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 100 } } } as const;
  app.get('/v1/pipelines/outputs', { schema: { tags, summary: 'Newest items written by store nodes to tables other than points/rollups', querystring: limitQuery } }, async (req) => {
    const q = req.query as { table?: string; limit: number };
    const rows = deps.store.db.prepare('SELECT id, at, pipeline_id AS pipelineId, node_id AS nodeId, table_name AS "table", item FROM pipeline_outputs WHERE (@table IS NULL OR table_name = @table) ORDER BY id DESC LIMIT @limit')
      .all({ table: q.table ?? null, limit: q.limit }) as Array<{ item: string }>;
    return { outputs: rows.map((r) => ({ ...r, item: JSON.parse(r.item) as unknown })) };
  });

  app.get('/v1/pipelines/alerts', { schema: { tags, summary: 'Newest events raised by alert nodes (kept locally and logged)', querystring: { type: 'object', additionalProperties: false, properties: { limit: limitQuery.properties.limit } } } }, async (req) => {
    const q = req.query as { limit: number };
    const rows = deps.store.db.prepare('SELECT id, at, pipeline_id AS pipelineId, node_id AS nodeId, rule, severity, message, ts, item FROM pipeline_alerts ORDER BY id DESC LIMIT ?').all(q.limit) as Array<{ item: string }>;
    return { alerts: rows.map((r) => ({ ...r, item: JSON.parse(r.item) as unknown })) };
  });

  app.get('/v1/pipelines/:id/versions', { schema: { tags, summary: 'Every saved version of a pipeline, with its document', params: idParams } }, async (req) => {
    const { id } = req.params as { id: string };
    const active = pipelines.versions.activeVersion(id);
    return { pipelineId: id, activeVersion: active, versions: pipelines.versions.versions(id).map((v) => ({ ...v, active: v.version === active })) };
  });

  app.post('/v1/pipelines/:id/activate', { schema: { tags, summary: 'Run a version: hot swap (no restart; open windows of unchanged nodes kept) or start', params: idParams } }, async (req) => {
    const { id } = req.params as { id: string };
    return { pipelineId: id, ...(await pipelines.activate(id, versionOf(jsonBody(req), true)!)) };
  });

  app.post('/v1/pipelines/:id/rollback', { schema: { tags, summary: 'Re-point to the version active before (or `{ "version": n }`)', params: idParams } }, async (req) => {
    const { id } = req.params as { id: string };
    return { pipelineId: id, ...(await pipelines.rollback(id, versionOf(jsonBody(req, false), false))) };
  });

  app.post('/v1/pipelines/:id/deactivate', { schema: { tags, summary: 'Stop running a pipeline (open windows are emitted first)', params: idParams } }, async (req) => {
    const { id } = req.params as { id: string };
    await pipelines.deactivate(id);
    return { pipelineId: id, active: false };
  });

  app.post('/v1/pipelines/test', { schema: { tags, summary: 'Run a pipeline on inline points or a replay of the local store: outputs and a per-node trace, or a diff against a second pipeline' } }, async (req) => {
    const { req: t, replay } = parseTestRequest(jsonBody(req), deps.testMaxPoints);
    const points = replay
      ? deps.store.queryPoints({ device: replay.device, metric: replay.metric, from: replay.from, to: replay.to, limit: deps.testMaxPoints, order: 'asc' })
      : (t.points as never[]);
    return runPipelineTest(t, points, pipelines.testOptions);
  });
}
