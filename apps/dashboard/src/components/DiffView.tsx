import { canonicalJson, diffLines } from './diff.js';

export function DiffView({ before, after, label }: { before: unknown; after: unknown; label: string }) {
  const lines = diffLines(canonicalJson(before), canonicalJson(after));
  return (
    <div className="diff" aria-label={label}>
      {lines.map((l, i) => <div key={i} className={l.kind}>{l.kind === 'add' ? '+ ' : l.kind === 'del' ? '- ' : '  '}{l.text}</div>)}
    </div>
  );
}
