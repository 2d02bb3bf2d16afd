/**
 * Diff mode: run two pipeline versions on the same points and report, per output node, the items
 * only one of them produced (compared as canonical JSON, so key order does not matter).
 */
import type { Point } from '@outpost/contract';
import { canonicalJson } from '../canonical.js';
import { testPipeline, type TestOptions, type TestResult } from './test-pipeline.js';

export interface OutputDiff {
  nodeId: string;
  status: 'changed' | 'only-in-a' | 'only-in-b';
  onlyInA: unknown[];
  onlyInB: unknown[];
  countA: number;
  countB: number;
}

export interface PipelineDiff {
  equal: boolean;
  outputs: OutputDiff[];
  a: TestResult;
  b: TestResult;
}

export async function diffPipelines(docA: unknown, docB: unknown, points: readonly Point[], opts: TestOptions): Promise<PipelineDiff> {
  const a = await testPipeline(docA, points, opts);
  const b = await testPipeline(docB, points, opts);
  const outputs: OutputDiff[] = [];
  const ids = [...new Set([...Object.keys(a.outputs), ...Object.keys(b.outputs)])].sort();
  for (const id of ids) {
    const ia = a.outputs[id]?.items ?? [];
    const ib = b.outputs[id]?.items ?? [];
    const onlyInA = subtract(ia, ib);
    const onlyInB = subtract(ib, ia);
    if (onlyInA.length === 0 && onlyInB.length === 0) continue;
    const status = !a.outputs[id] ? 'only-in-b' : !b.outputs[id] ? 'only-in-a' : 'changed';
    outputs.push({ nodeId: id, status, onlyInA, onlyInB, countA: ia.length, countB: ib.length });
  }
  const equal = outputs.length === 0 && a.ok === b.ok && a.errors.length === b.errors.length;
  return { equal, outputs, a, b };
}

/** Items of `xs` not matched one-for-one in `ys` (multiset difference). */
function subtract(xs: readonly unknown[], ys: readonly unknown[]): unknown[] {
  const counts = new Map<string, number>();
  for (const y of ys) { const k = canonicalJson(y); counts.set(k, (counts.get(k) ?? 0) + 1); }
  const out: unknown[] = [];
  for (const x of xs) {
    const k = canonicalJson(x);
    const c = counts.get(k) ?? 0;
    if (c > 0) counts.set(k, c - 1);
    else out.push(x);
  }
  return out;
}
