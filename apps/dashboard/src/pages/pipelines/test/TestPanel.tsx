import { useState } from 'react';
import type { ApiError } from '../../../api/client.js';
import { useAction } from '../../../api/use-api.js';
import { ErrorNotice } from '../../../components/states.js';
import type { PipelineDoc, PipelineTrace, TestResponse } from '../types.js';
import { SourcePicker, sourceOf, useSourceState } from './SourcePicker.js';
import { OutputsTable, TraceTable } from './TraceTable.js';

/**
 * Runs the canvas's pipeline on the hub (`POST /v1/pipelines/test`) on pasted samples or replayed
 * data; the trace goes onto the canvas nodes and into the table below. Nothing is stored or sent.
 */
export function TestPanel({ pipeline, onTrace }: { pipeline(): PipelineDoc; onTrace(t: PipelineTrace | null, err?: ApiError): void }) {
  const [source, setSource] = useSourceState();
  const [problem, setProblem] = useState<string | null>(null);
  const [res, setRes] = useState<TestResponse | null>(null);
  const act = useAction();
  const run = async () => {
    const src = sourceOf(source);
    if (typeof src === 'string') { setProblem(src); return; }
    setProblem(null);
    let failure: ApiError | undefined;
    const r = await act.run(async (api) => {
      try { return await api.post<TestResponse>('/v1/pipelines/test', { pipeline: pipeline(), ...src }); } catch (e) { failure = e as ApiError; throw e; }
    });
    setRes(r ?? null);
    onTrace(r?.result.trace ?? null, failure);
  };
  return (
    <section className="panel test-panel" aria-label="Test">
      <h2>Test</h2>
      <SourcePicker value={source} onChange={setSource} />
      <button type="button" className="primary" onClick={run} disabled={act.busy}>{act.busy ? 'Running…' : 'Run test'}</button>
      {problem && <div className="error" role="alert">{problem}</div>}
      <ErrorNotice error={act.error} />
      {res && (
        <div className="test-result" data-testid="test-result">
          <p>{res.points} point{res.points === 1 ? '' : 's'} in, {res.result.trace ? `${res.result.trace.durationMs.toFixed(2)} ms` : ''}{res.result.errors.length > 0 ? `, ${res.result.errors.length} error(s)` : ', no errors'}{res.result.trace?.truncated ? ' (item samples cut)' : ''}</p>
          {res.result.trace && <TraceTable trace={res.result.trace} />}
          <OutputsTable outputs={res.result.outputs} />
        </div>
      )}
    </section>
  );
}
