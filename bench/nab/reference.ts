import { join } from 'node:path';
import type { NabSeries } from '@outpost/ml';
import { NAB_ROOT, type NabFile } from './corpus.js';

const REF = new URL('../../../shared/bench/anomaly/nab-score.mjs', import.meta.url).pathname;

interface RefModule {
  loadCorpus(o: { dataDir: string; windowsFile: string; categories?: string[]; scoresFor: (rel: string) => ArrayLike<number> }): unknown[];
  evaluate(files: unknown[]): Record<string, { score: number }>;
}

/** NAB standard score of the same scores by the shared reference scorer (independent code). */
export async function crossCheck(files: NabFile[], series: NabSeries[]): Promise<number> {
  const ref = (await import(REF)) as RefModule;
  const byRel = new Map(files.map((f, i) => [f.rel, series[i]!.scores]));
  const corpus = ref.loadCorpus({
    dataDir: join(NAB_ROOT, 'data'),
    windowsFile: join(NAB_ROOT, 'labels/combined_windows.json'),
    scoresFor: (rel) => byRel.get(rel) ?? [],
  });
  return ref.evaluate(corpus).standard!.score;
}
