import { OutpostError } from '@outpost/contract';

/**
 * Isolation Forest (Liu, Ting, Zhou 2008) over small feature vectors. Trees are stored flat so a
 * model is plain JSON: per node, `f` = feature index or −1 for a leaf, `v` = split value (or the
 * leaf's sample count), `l`/`r` = child node indices, `lo`/`hi` = the range of the split feature
 * among the node's training rows. A value outside that range is isolated at that node: classic
 * iForest scores any point beyond the training range like the most extreme training point, so a
 * 60σ spike would look no stranger than the largest normal value.
 */
export interface IsolationTree { f: number[]; v: number[]; l: number[]; r: number[]; lo: number[]; hi: number[] }
export interface IsolationForestModel { sampleSize: number; features: number; trees: IsolationTree[] }

/** Average path length of an unsuccessful BST search over n points: the normaliser c(n). */
export function averagePath(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649) - (2 * (n - 1)) / n;
}

/** Small seeded PRNG (mulberry32) so training is reproducible from a seed in the spec. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function trainForest(rows: readonly Float64Array[], trees: number, sampleSize: number, seed: number): IsolationForestModel {
  if (rows.length < 2) throw new OutpostError('ERR_ML_TRAINING_DATA', `isolation forest needs at least 2 feature rows, got ${rows.length}`);
  const dims = rows[0]!.length;
  const rand = rng(seed);
  const psi = Math.min(sampleSize, rows.length);
  const maxDepth = Math.ceil(Math.log2(Math.max(2, psi)));
  const out: IsolationTree[] = [];
  for (let t = 0; t < trees; t++) {
    const idx = Array.from({ length: rows.length }, (_, i) => i);
    for (let i = 0; i < psi; i++) { const j = i + Math.floor(rand() * (idx.length - i)); [idx[i], idx[j]] = [idx[j]!, idx[i]!]; }
    const tree: IsolationTree = { f: [], v: [], l: [], r: [], lo: [], hi: [] };
    grow(tree, rows, idx.slice(0, psi), 0, maxDepth, dims, rand);
    out.push(tree);
  }
  return { sampleSize: psi, features: dims, trees: out };
}

function grow(tree: IsolationTree, rows: readonly Float64Array[], ids: number[], depth: number, maxDepth: number, dims: number, rand: () => number): number {
  const node = tree.f.length;
  tree.f.push(-1); tree.v.push(ids.length); tree.l.push(-1); tree.r.push(-1); tree.lo.push(0); tree.hi.push(0);
  if (ids.length <= 1 || depth >= maxDepth) return node;
  // Pick a feature that still varies among these rows; if none does, this is a leaf.
  const order = Array.from({ length: dims }, (_, i) => i).sort(() => rand() - 0.5);
  for (const f of order) {
    let lo = Infinity; let hi = -Infinity;
    for (const i of ids) { const x = rows[i]![f]!; if (x < lo) lo = x; if (x > hi) hi = x; }
    if (!(hi > lo)) continue;
    const split = lo + rand() * (hi - lo);
    const left = ids.filter((i) => rows[i]![f]! < split);
    const right = ids.filter((i) => rows[i]![f]! >= split);
    tree.f[node] = f; tree.v[node] = split; tree.lo[node] = lo; tree.hi[node] = hi;
    tree.l[node] = grow(tree, rows, left, depth + 1, maxDepth, dims, rand);
    tree.r[node] = grow(tree, rows, right, depth + 1, maxDepth, dims, rand);
    return node;
  }
  return node;
}

/** Mean path length over the trees, normalised: s = 2^(−E[h]/c(ψ)) ∈ (0, 1]; > 0.5 is unusual. */
export function forestScore(model: IsolationForestModel, x: Float64Array): { score: number; meanPath: number; expected: number } {
  let total = 0;
  for (const t of model.trees) {
    let node = 0;
    let depth = 0;
    let isolated = false;
    while (t.f[node]! >= 0) {
      const xv = x[t.f[node]!]!;
      depth++;
      if (xv < t.lo[node]! || xv > t.hi[node]!) { isolated = true; break; }
      node = xv < t.v[node]! ? t.l[node]! : t.r[node]!;
    }
    total += isolated ? depth : depth + averagePath(t.v[node]!);
  }
  const meanPath = total / model.trees.length;
  const expected = averagePath(model.sampleSize);
  return { score: Math.pow(2, -meanPath / Math.max(expected, 1e-9)), meanPath, expected };
}
