/**
 * model: scores points with a model through the host's ModelRunner (the ML package's ONNX
 * wrapper or detectors). Without a runner the compiler rejects the node with a clear message.
 */
import type { Point } from '@outpost/contract';
import type { LoadedModel, OperatorDefinition } from '@outpost/engine';
import { OutpostError, isOutpostError } from '@outpost/contract';

export const model: OperatorDefinition = {
  kind: 'model',
  typeVersion: 1,
  title: 'Model',
  description: 'Scores points with a deployed model version (needs the host to provide a model runner).',
  configSchema: {
    type: 'object',
    required: ['modelId', 'version'],
    additionalProperties: false,
    properties: {
      modelId: { type: 'string', minLength: 1 },
      version: { type: 'string', minLength: 1 },
      outputMetric: { type: 'string', minLength: 1, description: "Metric name of the outputs (default 'anomaly_score')." },
    },
  },
  inputs: [{ name: 'in', accepts: ['point'] }],
  outputs: [{ name: 'out', type: 'point' }],
  create(config, ctx) {
    const runner = ctx.host.modelRunner;
    if (!runner) {
      ctx.report({ code: 'ERR_PIPELINE_UNSUPPORTED', path: '/config', message: 'model nodes need a model runner (the ML package), and this host provides none' });
      return { process() {} };
    }
    let pending: Promise<LoadedModel>;
    try {
      pending = Promise.resolve(runner.load({ modelId: config.modelId as string, version: config.version as string, nodeId: ctx.nodeId }));
    } catch (e) {
      ctx.report({ code: 'ERR_PIPELINE_INVALID', path: '/config', message: `model ${String(config.modelId)}@${String(config.version)} cannot be loaded: ${(e as Error)?.message ?? String(e)}` });
      return { process() {} };
    }
    const ready = pending.then(() => undefined);
    ready.catch(() => undefined); // reported by compilePipelineAsync, or per point below
    const outputMetric = (config.outputMetric as string | undefined) ?? 'anomaly_score';
    return {
      ready,
      async process(_port, items, io) {
        try {
          const m = await pending;
          io.emitAll('out', await m.predict(items as readonly Point[], { outputMetric }));
        } catch (e) {
          const err = isOutpostError(e) ? e : new OutpostError('ERR_ENGINE_EVAL', `node '${ctx.nodeId}': model failed: ${(e as Error)?.message ?? String(e)}`);
          for (const p of items) io.error(err, p);
        }
      },
      dispose: () => { void pending.then((m) => m.dispose?.(), () => undefined); },
    };
  },
};
