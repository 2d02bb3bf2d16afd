import { ModelProto } from './proto.js';

/**
 * Writes small ONNX models (a multi-layer perceptron) with deterministic weights, for tests and
 * benchmarks: no model files are downloaded or committed. Not a general ONNX exporter.
 */
export interface MlpSpec {
  inputs: number;
  hidden: number[];
  outputs: number;
  /** Seed of the weight generator; the same seed gives the same bytes. */
  seed?: number;
  /** Name of the input and output tensors (default `x` and `y`). */
  inputName?: string;
  outputName?: string;
  /** Batch dimension: a symbol (default 'N', any batch size) or a fixed size. */
  batch?: string | number;
  /** Final activation: 'sigmoid' (scores in (0, 1), default) or 'none' (regression). */
  activation?: 'sigmoid' | 'none';
}

const FLOAT = 1;

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 0x1_0000_0000 - 0.5;
  };
}

const dim = (d: string | number) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d });
const tensorInfo = (name: string, dims: (string | number)[]) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map(dim) } } } });

export function buildMlp(spec: MlpSpec): Uint8Array {
  const next = rng(spec.seed ?? 42);
  const inName = spec.inputName ?? 'x';
  const outName = spec.outputName ?? 'y';
  const batch = spec.batch ?? 'N';
  const sizes = [spec.inputs, ...spec.hidden, spec.outputs];
  const nodes: unknown[] = [];
  const initializer: unknown[] = [];
  let current = inName;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [a, b] = [sizes[l]!, sizes[l + 1]!];
    const scale = 2 / Math.sqrt(a);
    initializer.push({ name: `w${l}`, dims: [a, b], dataType: FLOAT, floatData: Array.from({ length: a * b }, () => next() * scale) });
    initializer.push({ name: `b${l}`, dims: [b], dataType: FLOAT, floatData: Array.from({ length: b }, () => next() * 0.1) });
    const last = l + 2 === sizes.length;
    const gemmOut = last && spec.activation === 'none' ? outName : `h${l}`;
    nodes.push({ opType: 'Gemm', input: [current, `w${l}`, `b${l}`], output: [gemmOut], name: `gemm${l}` });
    if (!last) {
      nodes.push({ opType: 'Relu', input: [gemmOut], output: [`r${l}`], name: `relu${l}` });
      current = `r${l}`;
    } else if (spec.activation !== 'none') {
      nodes.push({ opType: 'Sigmoid', input: [gemmOut], output: [outName], name: 'sigmoid' });
    }
  }
  const model = {
    irVersion: 7,
    producerName: 'outpost-test',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'mlp',
      node: nodes,
      initializer,
      input: [tensorInfo(inName, [batch, spec.inputs])],
      output: [tensorInfo(outName, [batch, spec.outputs])],
    },
  };
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/**
 * x [N, inputs] → Reshape(x, `target`) → y: loads fine, but fails at run time when the input's
 * size does not fit `target` (tests the test inference at upload).
 */
export function buildReshape(inputs: number, target: number[]): Uint8Array {
  return ModelProto.encode(ModelProto.fromObject({
    irVersion: 7, producerName: 'outpost-test', opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'reshape',
      node: [{ opType: 'Reshape', input: ['x', 'shape'], output: ['y'], name: 'reshape' }],
      initializer: [{ name: 'shape', dims: [target.length], dataType: 7, int64Data: target }],
      input: [tensorInfo('x', ['N', inputs])],
      output: [tensorInfo('y', target.map(() => 'M'))],
    },
  })).finish();
}
