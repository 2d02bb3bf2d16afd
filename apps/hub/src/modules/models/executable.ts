import { OutpostError } from '@outpost/contract';
import { OnnxModel, parseArtifact, artifactToSpec, createDetector, batchSize, rowOf, isFlatBatch, type InferenceInput, type RowResult, type RunOptions, type SessionOptions } from '@outpost/ml';

/** A loaded, runnable model version: ONNX through onnxruntime, or an Outpost detector. */
export interface Executable {
  run(batch: InferenceInput, opts?: RunOptions): Promise<RowResult[]>;
  release(): Promise<void>;
  /** The execution provider an ONNX session got (cpu or cuda). */
  readonly provider?: string;
}

/**
 * A detector scores the rows as one series in order (row = [value] or [ts, value]); a fresh
 * detector per call, so calls never share state. prediction = 1 when the score reaches the
 * artifact's threshold.
 */
function detectorExecutable(text: string): Executable {
  const artifact = parseArtifact(text);
  return {
    async run(batch) {
      const d = createDetector(artifactToSpec(artifact));
      const rows = isFlatBatch(batch) ? Array.from({ length: batchSize(batch) }, (_, r) => rowOf(batch, r)) : batch;
      return rows.map((row, i) => {
        if (!Array.isArray(row) || row.length < 1 || row.length > 2 || row.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
          throw new OutpostError('ERR_INFERENCE_INPUT', `input ${i}: a detector takes [value] or [ts, value] with finite numbers, got ${JSON.stringify(row)}`);
        }
        const [ts, value] = row.length === 2 ? [row[0]!, row[1]!] : [i, row[0]!];
        const r = d.update(ts, value);
        const score = r?.score ?? 0;
        return { outputs: { score: [score] }, prediction: score >= artifact.threshold ? 1 : 0, score };
      });
    },
    async release() {},
  };
}

export async function loadExecutable(format: string, bytes: Uint8Array, session: SessionOptions): Promise<Executable> {
  if (format === 'onnx') return OnnxModel.load(bytes, session);
  if (format === 'outpost-detector') return detectorExecutable(Buffer.from(bytes).toString('utf8'));
  throw new OutpostError('ERR_MODEL_NOT_EXECUTABLE', `format ${format} is stored only`);
}
