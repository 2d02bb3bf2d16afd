import { OutpostError, type Point } from '@outpost/contract';
import { diffPipelines, pipelineError, testPipeline, type ModelRunner, type PipelineDiff, type ScriptRunner, type TestResult } from '@outpost/engine';
import { builtinOperators } from '../registry.js';

/** Body of `POST /v1/pipelines/test` (gateway and hub). */
export interface PipelineTestRequest {
  pipeline: unknown;
  /** Inline points (parsed objects). */
  points?: unknown[];
  /** Read points from the local store (gateway) or the hub's time series instead. */
  replay?: { device: string; metric?: string; from: number | string; to: number | string };
  /** A second pipeline: run both on the same points and report the differences in outputs. */
  diff?: unknown;
  options?: { batchSize?: number; flush?: boolean; maxItemsPerPort?: number };
}

export interface ReplayRange { device: string; metric?: string; from: number; to: number }

export type PipelineTestResponse =
  | { mode: 'test'; points: number; result: TestResult }
  | { mode: 'diff'; points: number; diff: PipelineDiff };

const bad = (message: string, details?: Record<string, unknown>) => new OutpostError('ERR_QUERY_INVALID', message, details);

function time(name: string, v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v !== '') {
    if (/^-?\d+$/.test(v)) return Number(v);
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return ms;
  }
  throw bad(`replay.${name}: expected epoch milliseconds or an ISO-8601 date-time, got ${JSON.stringify(v)}`);
}

/** A point the engine can take: device, metric, numeric ts (value may be anything a point holds). */
export function checkPoint(p: unknown, where: string): asserts p is Point {
  const o = p as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad(`${where}: expected a point object { device, metric, ts, value }`);
  if (typeof o.device !== 'string' || o.device === '') throw bad(`${where}.device: expected a non-empty string`);
  if (typeof o.metric !== 'string' || o.metric === '') throw bad(`${where}.metric: expected a non-empty string`);
  if (typeof o.ts !== 'number' || !Number.isFinite(o.ts)) throw bad(`${where}.ts: expected epoch milliseconds (a number)`);
  if (o.tags !== undefined && (typeof o.tags !== 'object' || o.tags === null || Array.isArray(o.tags))) throw bad(`${where}.tags: expected an object of strings`);
}

/** Check the shape of a test request; throws ERR_QUERY_INVALID naming the field. */
export function parseTestRequest(body: unknown, maxPoints: number): { req: PipelineTestRequest; replay?: ReplayRange } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body: expected an object { pipeline, points? | replay?, diff?, options? }');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !['pipeline', 'points', 'replay', 'diff', 'options'].includes(k));
  if (unknown.length > 0) throw bad(`body: unknown field(s) ${unknown.join(', ')}; expected pipeline, points, replay, diff, options`);
  if (b.pipeline === undefined) throw bad('pipeline: required (a pipeline document)');
  if (b.points !== undefined && !Array.isArray(b.points)) throw bad('points: expected an array of points');
  if (b.points === undefined && b.replay === undefined) throw bad('points or replay: one is required');
  if (b.points !== undefined && b.replay !== undefined) throw bad('points and replay: give one, not both');
  if (Array.isArray(b.points) && b.points.length > maxPoints) throw bad(`points: at most ${maxPoints} points per test, got ${b.points.length}`);
  if (Array.isArray(b.points)) b.points.forEach((p, i) => checkPoint(p, `points[${i}]`));
  const req = b as unknown as PipelineTestRequest;
  if (b.replay === undefined) return { req };
  const r = b.replay as Record<string, unknown>;
  if (typeof r !== 'object' || r === null || typeof r.device !== 'string' || r.device === '') throw bad('replay.device: required (a device id)');
  if (r.metric !== undefined && (typeof r.metric !== 'string' || r.metric === '')) throw bad('replay.metric: expected a metric name');
  const from = time('from', r.from);
  const to = time('to', r.to);
  if (from > to) throw bad(`replay: from (${from}) is after to (${to})`);
  return { req, replay: { device: r.device, from, to, ...(typeof r.metric === 'string' ? { metric: r.metric } : {}) } };
}

/**
 * Run a test (or a diff) over the given points. A pipeline that does not compile is a 400 whose
 * `details.issues` lists every problem with its node id (for a diff, the `diff` document's
 * issues say `which: 'diff'`).
 */
export async function runPipelineTest(req: PipelineTestRequest, points: readonly Point[], opts: { scriptRunner?: ScriptRunner | undefined; modelRunner?: ModelRunner | undefined } = {}): Promise<PipelineTestResponse> {
  const o = req.options ?? {};
  const testOpts = {
    operators: builtinOperators,
    ...(opts.scriptRunner ? { scriptRunner: opts.scriptRunner } : {}),
    ...(opts.modelRunner ? { modelRunner: opts.modelRunner } : {}),
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
    ...(o.flush !== undefined ? { flush: o.flush } : {}),
    ...(o.maxItemsPerPort !== undefined ? { maxItemsPerPort: o.maxItemsPerPort } : {}),
  };
  if (req.diff === undefined) {
    const result = await testPipeline(req.pipeline, points, testOpts);
    if (!result.ok) throw pipelineError(req.pipeline, result.issues);
    return { mode: 'test', points: points.length, result };
  }
  const diff = await diffPipelines(req.pipeline, req.diff, points, testOpts);
  if (!diff.a.ok) throw pipelineError(req.pipeline, diff.a.issues);
  if (!diff.b.ok) {
    const e = pipelineError(req.diff, diff.b.issues);
    throw new OutpostError(e.code, `diff: ${e.message}`, { ...e.details, which: 'diff' });
  }
  return { mode: 'diff', points: points.length, diff };
}
