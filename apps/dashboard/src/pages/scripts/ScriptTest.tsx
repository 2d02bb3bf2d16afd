import { useState } from 'react';
import { useAction } from '../../api/use-api.js';
import { ErrorNotice } from '../../components/states.js';
import type { PipelineTrace, TestResponse } from '../pipelines/types.js';
import { EXAMPLE_SAMPLES } from '../pipelines/test/SourcePicker.js';
import { TraceTable } from '../pipelines/test/TraceTable.js';
import { SampleResult } from './SampleResult.js';

/**
 * Runs a script on sample points in the hub's sandbox: a one-script pipeline through
 * `POST /v1/pipelines/test` (nothing is stored). `run` may be swapped for a processor's test route.
 */
export function ScriptTest({ run }: { run(points: unknown[]): Promise<PipelineTrace | null> }) {
  const [samples, setSamples] = useState(EXAMPLE_SAMPLES);
  const [problem, setProblem] = useState<string | null>(null);
  const [trace, setTrace] = useState<PipelineTrace | null>(null);
  const act = useAction();
  const go = async () => {
    let points: unknown[];
    try { const v: unknown = JSON.parse(samples); points = Array.isArray(v) ? v : [v]; } catch (e) { setProblem(`Samples: not JSON (${(e as Error).message})`); return; }
    setProblem(null);
    setTrace((await act.run(() => run(points))) ?? null);
  };
  return (
    <section className="panel" aria-label="Test run">
      <h2>Test run</h2>
      <label>sample points (JSON)<textarea className="code" rows={5} aria-label="Sample points" value={samples} onChange={(e) => setSamples(e.target.value)} /></label>
      <button type="button" className="primary" onClick={go} disabled={act.busy}>{act.busy ? 'Running…' : 'Run on samples'}</button>
      {problem && <div className="error" role="alert">{problem}</div>}
      <ErrorNotice error={act.error} />
      {trace && <SampleResult trace={trace} />}
      {trace && <TraceTable trace={trace} />}
    </section>
  );
}

/** A one-node pipeline around the script, so the hub runs it exactly as a pipeline would. */
export function scriptPipeline(language: string, source: string) {
  return {
    schemaVersion: 1, id: 'script-test',
    nodes: [{ id: 'input', kind: 'input', typeVersion: 1, config: {} }, { id: 'script', kind: 'script', typeVersion: 1, config: { language, source } }],
    edges: [{ from: 'input', to: 'script' }],
  };
}

export async function runScriptOnHub(api: { post<T>(p: string, b: unknown): Promise<T> }, language: string, source: string, points: unknown[]): Promise<PipelineTrace | null> {
  const r = await api.post<TestResponse>('/v1/pipelines/test', { pipeline: scriptPipeline(language, source), points });
  return r.result.trace;
}
