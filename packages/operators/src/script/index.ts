/**
 * script: runs user code over each batch through the host's ScriptRunner (the sandbox package:
 * CPU-time and memory limits, no file, network or process access). The engine never runs user
 * code itself; without a runner the compiler rejects the node with a clear message.
 */
import type { Point } from '@outpost/contract';
import type { CompiledScript, OperatorDefinition } from '@outpost/engine';
import { OutpostError, isOutpostError } from '@outpost/contract';

export const script: OperatorDefinition = {
  kind: 'script',
  typeVersion: 1,
  title: 'Script',
  description: 'Runs a sandboxed user script, or a registered processor by name, over each batch of points (needs the host to provide a script runner).',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    // Either inline source or a registered processor (uploaded, versioned, signed: docs/sandbox.md).
    oneOf: [{ required: ['source'] }, { required: ['processor'] }],
    properties: {
      language: { enum: ['javascript', 'python'], description: 'Default javascript.' },
      source: { type: 'string', minLength: 1, maxLength: 200_000 },
      timeoutMs: { type: 'integer', minimum: 1, maximum: 60_000, description: 'CPU time per batch (default 50).' },
      memoryMb: { type: 'integer', minimum: 1, maximum: 1024, description: 'Memory limit (default 32).' },
      processor: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        description: 'Run a registered processor instead of inline source; its limits come from its manifest.',
        properties: {
          name: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,63}$' },
          version: { type: 'string', description: 'Pin a version (default: the active one, following activations and rollbacks).' },
          config: { type: 'object', description: "Checked against the processor's configSchema." },
        },
      },
    },
  },
  inputs: [{ name: 'in', accepts: ['point'] }],
  outputs: [{ name: 'out', type: 'point' }],
  create(config, ctx) {
    const runner = ctx.host.scriptRunner;
    if (!runner) {
      ctx.report({ code: 'ERR_PIPELINE_UNSUPPORTED', path: '/config', message: 'script nodes need a script runner (the sandbox), and this host provides none' });
      return { process() {} };
    }
    const ref = config.processor as { name: string; version?: string; config?: Record<string, unknown> } | undefined;
    if (ref && !runner.processor) {
      ctx.report({ code: 'ERR_PIPELINE_UNSUPPORTED', path: '/config/processor', message: 'this host has no processor registry; use inline `source`' });
      return { process() {} };
    }
    let pending: Promise<CompiledScript>;
    try {
      pending = Promise.resolve(ref
        ? runner.processor!({ name: ref.name, ...(ref.version ? { version: ref.version } : {}), config: ref.config ?? {} }, { nodeId: ctx.nodeId })
        : runner.compile(config.source as string, {
          nodeId: ctx.nodeId, language: (config.language as string | undefined) ?? 'javascript',
          timeoutMs: (config.timeoutMs as number | undefined) ?? 50, memoryMb: (config.memoryMb as number | undefined) ?? 32,
        }));
    } catch (e) {
      ctx.report({ code: 'ERR_PIPELINE_INVALID', path: ref ? '/config/processor' : '/config/source', message: `${ref ? `processor ${ref.name}` : 'script'} does not compile: ${(e as Error)?.message ?? String(e)}` });
      return { process() {} };
    }
    let compiled: CompiledScript | undefined;
    const ready = pending.then((c) => { compiled = c; });
    ready.catch(() => undefined); // reported by compilePipelineAsync, or per point below
    return {
      ready,
      async process(_port, items, io) {
        try {
          const s = compiled ?? (await pending);
          io.emitAll('out', await s.run(items as readonly Point[]));
        } catch (e) {
          // The whole batch failed in the script: every point goes to the error path.
          const err = isOutpostError(e) ? e : new OutpostError('ERR_ENGINE_EVAL', `node '${ctx.nodeId}': script failed: ${(e as Error)?.message ?? String(e)}`);
          for (const p of items) io.error(err, p);
        }
      },
      dispose: () => { void pending.then((c) => c.dispose?.(), () => undefined); },
    };
  },
};
