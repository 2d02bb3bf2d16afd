import { Int, Section, StringEnum } from './kinds.js';

/** `hub.models`: the model registry and the inference API (docs/models.md). */
export const HubModelsSection = Section({
  maxUploadBytes: Int({ minimum: 1024, default: 256 * 1024 * 1024, description: 'Largest model file accepted by POST /v1/registry/models/{name}/versions, bytes; larger uploads get 413.' }),
  cacheBytes: Int({ minimum: 1024 * 1024, default: 1024 * 1024 * 1024, description: 'Memory budget of loaded models for the inference API (a model counts twice its file size); least recently used models are unloaded first.' }),
  maxBatch: Int({ minimum: 1, default: 10_000, description: 'Most inputs in one inference request; larger batches get 413 ERR_INFERENCE_BATCH_TOO_LARGE.' }),
  executionProvider: StringEnum(['cpu', 'cuda'] as const, { default: 'cpu', description: 'ONNX execution provider: cuda is used when onnxruntime-node has the CUDA provider on this machine, otherwise CPU.' }),
  threads: Int({ minimum: 1, maximum: 64, default: 1, description: 'Intra-op threads per loaded ONNX model.' }),
  inferenceRateLimitPerMinute: Int({ minimum: 1, default: 6000, description: 'Inference requests per minute per API key (or user), unless the key has its own limit (PUT /v1/registry/inference-limits/{keyId}).' }),
  asyncResultTtlS: Int({ minimum: 1, default: 3600, description: 'How long the result of an async inference job can be polled, seconds.' }),
  monitorFlushS: Int({ minimum: 1, default: 10, description: 'How often the inference API writes its usage figures (count, errors, latency, drift) to the store, seconds.' }),
}, { description: 'Model registry and inference API.' });
