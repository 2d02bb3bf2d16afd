import { useRef, useState } from 'react';
import type { PipelineDoc } from '../types.js';
import { parseImported } from './doc.js';

/** Export the document as a JSON file; import one (or a saved version as the hub returns it) into the canvas. */
export function ImportExport({ doc, onImport }: { doc(): PipelineDoc; onImport(d: PipelineDoc): void }) {
  const file = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const exportDoc = () => {
    const d = doc();
    const url = URL.createObjectURL(new Blob([`${JSON.stringify(d, null, 2)}\n`], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url; a.download = `${d.id || 'pipeline'}.json`; a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <>
      <button type="button" onClick={exportDoc}>Export JSON</button>
      <button type="button" onClick={() => file.current?.click()}>Import JSON</button>
      <input ref={file} type="file" accept="application/json,.json" hidden aria-label="Import pipeline file" onChange={async (e) => {
        const f = e.target.files?.[0];
        e.target.value = '';
        if (!f) return;
        try { onImport(parseImported(await f.text())); setError(null); } catch (err) { setError(`${f.name}: ${(err as Error).message}`); }
      }} />
      {error && <span className="error small" role="alert">{error}</span>}
    </>
  );
}
