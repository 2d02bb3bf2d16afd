/**
 * Test a processor version with sample points before activating it. The result has the shape of
 * the engine's pipeline trace (format `outpost.pipeline-trace` v1, see docs/engine.md) with one
 * node of kind `processor`, so the dashboard shows both with one view. Each sample point is one
 * call, so every error names the point that caused it. Test runs are not counted in usage stats.
 */
import type { Point } from '@outpost/contract';
import { createScript } from '../script.js';
import { describeErrors } from './manifest.js';
import type { ProcessorRegistry } from './registry.js';

export interface TraceError { nodeId: string; code: string; message: string; item?: unknown; details?: Record<string, unknown> }
export interface TracePort { count: number; items: unknown[] }

export interface ProcessorTrace {
  format: 'outpost.pipeline-trace';
  formatVersion: 1;
  pipelineId: string;
  points: number;
  durationMs: number;
  truncated: boolean;
  maxItemsPerPort: number;
  nodes: {
    id: string; kind: 'processor'; typeVersion: 1; calls: number; durationMs: number;
    in: Record<string, TracePort>; out: Record<string, TracePort>; errors: TraceError[]; errorCount: number;
    logs: { level: string; message: string }[];
  }[];
}

export async function testProcessor(registry: ProcessorRegistry, name: string, opts: { version?: string; config?: Record<string, unknown>; sample: Point[]; maxItemsPerPort?: number }): Promise<ProcessorTrace> {
  const { bundle, schemas } = registry.definition(name, opts.version);
  const m = bundle.manifest;
  const nodeId = `${m.name}@${m.version}`;
  const max = opts.maxItemsPerPort ?? 100;
  const node: ProcessorTrace['nodes'][number] = { id: nodeId, kind: 'processor', typeVersion: 1, calls: 0, durationMs: 0, in: { in: { count: 0, items: [] } }, out: { out: { count: 0, items: [] } }, errors: [], errorCount: 0, logs: [] };
  const trace: ProcessorTrace = { format: 'outpost.pipeline-trace', formatVersion: 1, pipelineId: `processor-test:${nodeId}`, points: opts.sample.length, durationMs: 0, truncated: false, maxItemsPerPort: max, nodes: [node] };
  const push = (port: TracePort, items: unknown[]) => {
    port.count += items.length;
    for (const it of items) if (port.items.length < max) port.items.push(it); else trace.truncated = true;
  };
  const fail = (code: string, message: string, item: unknown, details?: Record<string, unknown>) => {
    node.errorCount++;
    if (node.errors.length < max) node.errors.push({ nodeId, code, message, item, ...(details ? { details } : {}) });
    else trace.truncated = true;
  };
  const config = opts.config ?? {};
  if (!schemas.config(config)) {
    fail('ERR_PROCESSOR_INVALID', `config does not match the config schema: ${describeErrors(schemas.config.errors)}`, config);
    return trace;
  }
  const t0 = performance.now();
  let script;
  try {
    script = await createScript({ id: `test:${nodeId}`, language: m.language, source: bundle.source, config, limits: schemas.limits }, { defaults: schemas.limits });
  } catch (e) {
    fail((e as { code?: string }).code ?? 'ERR_SCRIPT_INVALID', (e as Error).message, undefined);
    return trace;
  }
  try {
    for (const point of opts.sample) {
      push(node.in.in as TracePort, [point]);
      node.calls++;
      if (schemas.input && !schemas.input(point)) {
        fail('ERR_SCRIPT_FAILED', `input does not match the input schema: ${describeErrors(schemas.input.errors)}`, point, { reason: 'invalid-input' });
        continue;
      }
      const r = await script.run(point);
      node.durationMs += r.durationMs;
      for (const l of r.logs) if (node.logs.length < max) node.logs.push(l);
      if (!r.ok) {
        fail(r.error.reason === 'disabled' ? 'ERR_SCRIPT_DISABLED' : 'ERR_SCRIPT_FAILED', r.error.message, point, { reason: r.error.reason, ...(r.error.stack ? { stack: r.error.stack } : {}) });
        continue;
      }
      const badOut = schemas.output ? r.points.findIndex((p) => !schemas.output?.(p)) : -1;
      if (badOut >= 0) {
        fail('ERR_SCRIPT_FAILED', `output[${badOut}] does not match the output schema: ${describeErrors(schemas.output?.errors)}`, point, { reason: 'invalid-output' });
        continue;
      }
      push(node.out.out as TracePort, r.points);
    }
  } finally {
    await script.close();
  }
  trace.durationMs = performance.now() - t0;
  return trace;
}
