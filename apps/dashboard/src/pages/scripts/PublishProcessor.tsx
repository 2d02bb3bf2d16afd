import { useState } from 'react';
import { useAction } from '../../api/use-api.js';
import { ErrorNotice } from '../../components/states.js';
import type { ScriptLanguage } from './CodeEditor.js';
import type { ProcessorVersion } from './types.js';

const DEFAULT_SCHEMA = '{\n  "type": "object",\n  "properties": {}\n}';

/** Publish the editor's script as an immutable processor version (`POST /v1/processors`; the hub validates and signs it). */
export function PublishProcessor({ language, source, onPublished }: { language: ScriptLanguage; source: string; onPublished(v: ProcessorVersion): void }) {
  const [name, setName] = useState('');
  const [version, setVersion] = useState('1.0.0');
  const [description, setDescription] = useState('');
  const [schema, setSchema] = useState(DEFAULT_SCHEMA);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const act = useAction();
  const publish = async () => {
    let configSchema: unknown;
    try { configSchema = JSON.parse(schema); } catch (e) { setProblem(`config schema: not JSON (${(e as Error).message})`); return; }
    setProblem(null); setDone(null);
    const r = await act.run((api) => api.post<ProcessorVersion>('/v1/processors', { manifest: { name, version, description, language, configSchema }, source, ...(note ? { note } : {}) }));
    if (r) { setDone(`Published ${r.name} ${r.version}.`); onPublished(r); }
  };
  return (
    <form className="panel" aria-label="Publish as processor" onSubmit={(e) => { e.preventDefault(); void publish(); }}>
      <h2>Publish as a processor version</h2>
      <div className="toolbar">
        <label>name<input value={name} onChange={(e) => setName(e.target.value)} placeholder="heat-index" required /></label>
        <label>version<input value={version} onChange={(e) => setVersion(e.target.value)} required /></label>
        <label>description<input value={description} onChange={(e) => setDescription(e.target.value)} required /></label>
        <label>note<input value={note} onChange={(e) => setNote(e.target.value)} /></label>
      </div>
      <label>config schema (JSON Schema of the processor's configuration; the config form is generated from it)
        <textarea className="code" rows={5} value={schema} onChange={(e) => setSchema(e.target.value)} /></label>
      <button type="submit" disabled={act.busy}>Publish</button>
      {problem && <div className="error" role="alert">{problem}</div>}
      {done && <p className="notice" role="status">{done}</p>}
      <ErrorNotice error={act.error} />
    </form>
  );
}
