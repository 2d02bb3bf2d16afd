import type { HubModule } from '../types.js';
import { createModelsRuntime } from './runtime.js';
import { registryRoutes } from './routes-registry.js';
import { inferenceRoutes } from './routes-inference.js';

/**
 * Model registry (ONNX, detector artifacts, stored-only TF/TFLite/PyTorch/pickles), the inference
 * API with an LRU model cache, and model monitoring (usage, latency, drift, ground truth) from
 * the hub and from gateways' heartbeats. See docs/models.md.
 */
export const modelsModule: HubModule = {
  name: 'models',
  async register(app, ctx) {
    const rt = await createModelsRuntime(ctx);
    // Usage figures are monitoring, not data: a failed flush is logged, never fails a request or shutdown.
    const flush = () => rt.inference.flush().catch((e: unknown) => app.log.warn({ err: (e as Error).message }, 'model usage flush failed'));
    const timer = setInterval(() => void flush(), ctx.config.models.monitorFlushS * 1000);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await rt.jobs.drain();
      await flush();
      await rt.inference.cache.clear();
    });
    await registryRoutes(app, ctx, rt);
    await inferenceRoutes(app, ctx, rt);
  },
};
