import type { PipelineTrace } from '../pipelines/types.js';

/** What the script (or processor) node returned, and the errors it raised, from the trace. */
export function SampleResult({ trace }: { trace: PipelineTrace }) {
  const node = trace.nodes.find((n) => n.kind === 'script' || n.kind === 'processor') ?? trace.nodes.at(-1);
  if (!node) return null;
  const out = Object.values(node.out).flatMap((p) => p.items);
  return (
    <div data-testid="script-result">
      <p>{Object.values(node.in).reduce((n, p) => n + p.count, 0)} in → {Object.values(node.out).reduce((n, p) => n + p.count, 0)} out in {node.durationMs.toFixed(2)} ms{node.errorCount > 0 ? `, ${node.errorCount} error(s)` : ''}</p>
      {node.errors.map((e, i) => <div key={i} className="error small"><strong>{e.code}</strong> {e.message}</div>)}
      <pre aria-label="Script output">{JSON.stringify(out, null, 1)}</pre>
    </div>
  );
}
