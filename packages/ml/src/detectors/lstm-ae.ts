import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';
import { OutpostError } from '@outpost/contract';
import type { CoreResult, DetectorCore } from '../types.js';

/**
 * LSTM autoencoder (story 7.9) on TensorFlow.js in its pure-JavaScript CPU backend (the native
 * tfjs-node binding downloads binaries at install, which fails here). The network reads the last
 * `window` standardised values, encodes them into `units` numbers and reconstructs the window;
 * the anomaly score is the reconstruction error relative to the training errors.
 * Cost is far above the other detectors (milliseconds per window, see bench:nab), so windows are
 * scored every `stride` samples and training only happens through `trainDetector` (async).
 */
export interface LstmParams { window: number; units: number; epochs: number; maxWindows: number; stride: number }
export const LSTM_DEFAULTS: LstmParams = { window: 24, units: 8, epochs: 10, maxWindows: 400, stride: 4 };

export interface LstmModel {
  type: 'lstm-ae';
  window: number;
  units: number;
  mean: number;
  std: number;
  /** 99th percentile of the training reconstruction errors: error at which the score is 0.5. */
  errScale: number;
  weights: Array<{ shape: number[]; values: number[] }>;
}

let tfCache: typeof TF | null = null;
/** Loaded on first use only: TensorFlow.js is large and most streams never need it. */
export function tfjs(): typeof TF {
  if (!tfCache) {
    tfCache = createRequire(import.meta.url)('@tensorflow/tfjs') as typeof TF;
    // Production mode: no per-op debug checks and no "install tfjs-node" banner in gateway logs.
    tfCache.enableProdMode();
    void tfCache.setBackend('cpu');
  }
  return tfCache;
}

function network(window: number, units: number): TF.Sequential {
  const tf = tfjs();
  const m = tf.sequential();
  m.add(tf.layers.lstm({ units, inputShape: [window, 1] }));
  m.add(tf.layers.repeatVector({ n: window }));
  m.add(tf.layers.lstm({ units, returnSequences: true }));
  m.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 1 }) }));
  return m;
}

export interface LstmTrainHooks { onEpoch?: (epoch: number) => void; signal?: AbortSignal }

export async function trainLstm(values: Float64Array, p: LstmParams, hooks: LstmTrainHooks = {}): Promise<LstmModel> {
  const tf = tfjs();
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  if (n < p.window + 1) throw new OutpostError('ERR_ML_TRAINING_DATA', `lstm-ae needs more than ${p.window} finite values, got ${n}`);
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
  const count = Math.min(p.maxWindows, n - p.window + 1);
  const step = (n - p.window) / Math.max(1, count - 1);
  const data = new Float32Array(count * p.window);
  for (let k = 0; k < count; k++) {
    const s = Math.round(k * step);
    for (let j = 0; j < p.window; j++) data[k * p.window + j] = (finite[s + j]! - mean) / std;
  }
  const net = network(p.window, p.units);
  net.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  const x = tf.tensor3d(data, [count, p.window, 1]);
  try {
    await net.fit(x, x, {
      epochs: p.epochs, batchSize: 32, shuffle: true, verbose: 0,
      callbacks: {
        onEpochEnd: async (epoch) => {
          hooks.onEpoch?.(epoch + 1);
          if (hooks.signal?.aborted) net.stopTraining = true;
        },
      },
    });
    const errs = tf.tidy(() => (net.predict(x) as TF.Tensor).sub(x).square().mean([1, 2]).dataSync() as Float32Array);
    const sorted = Array.from(errs).sort((a, b) => a - b);
    const errScale = Math.max(sorted[Math.floor(0.99 * (sorted.length - 1))]!, 1e-9);
    const weights = net.getWeights().map((w) => ({ shape: w.shape.slice(), values: Array.from(w.dataSync()) }));
    return { type: 'lstm-ae', window: p.window, units: p.units, mean, std, errScale, weights };
  } finally {
    x.dispose();
    net.dispose();
  }
}

export class LstmCore implements DetectorCore {
  private readonly p: LstmParams;
  private readonly model: LstmModel;
  private readonly net: TF.Sequential;
  private readonly ring: Float32Array;
  private n = 0;
  private last: CoreResult | null = null;

  constructor(p: LstmParams, model: LstmModel | null) {
    if (!model) throw new OutpostError('ERR_ML_SPEC_INVALID', 'lstm-ae needs a trained model: train it with trainDetector and load the model artifact');
    this.p = p;
    this.model = model;
    const tf = tfjs();
    this.net = network(model.window, model.units);
    const shapes = this.net.getWeights().map((w) => w.shape.join('x'));
    const given = model.weights.map((w) => w.shape.join('x'));
    if (shapes.join(',') !== given.join(',')) {
      throw new OutpostError('ERR_ML_ARTIFACT_INVALID', `lstm-ae weights have shapes ${given.join(', ')}; window ${model.window} and ${model.units} units need ${shapes.join(', ')}`);
    }
    this.net.setWeights(model.weights.map((w) => tf.tensor(w.values, w.shape)));
    this.ring = new Float32Array(model.window);
  }

  score(x: number): CoreResult | null {
    const W = this.model.window;
    this.ring.copyWithin(0, 1);
    this.ring[W - 1] = (x - this.model.mean) / this.model.std;
    this.n++;
    if (this.n < W) return null;
    if ((this.n - W) % this.p.stride !== 0 && this.last) return this.last;
    const tf = tfjs();
    const [err, lastResidual] = tf.tidy(() => {
      const input = tf.tensor3d(this.ring, [1, W, 1]);
      const y = (this.net.predict(input) as TF.Tensor).dataSync();
      let e = 0;
      for (let j = 0; j < W; j++) e += (y[j]! - this.ring[j]!) ** 2;
      return [e / W, this.ring[W - 1]! - y[W - 1]!];
    });
    const ratio = err! / this.model.errScale;
    this.last = {
      score: err! / (err! + this.model.errScale),
      label: lastResidual! >= 0 ? 'spike' : 'drop',
      explanation: `last ${W} samples reconstructed with ${ratio.toFixed(1)}× the usual error (training 99th percentile)`,
    };
    return this.last;
  }

  stateBytes(): number {
    return this.ring.byteLength + this.model.weights.reduce((a, w) => a + w.values.length * 4, 0) + 64;
  }
}
