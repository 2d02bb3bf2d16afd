import '../pipelines/pipelines.css';
import { useState } from 'react';
import { Link } from 'react-router';
import { useGet } from '../../api/use-api.js';
import { Resource } from '../../components/states.js';
import { ago } from '../../components/format.js';
import { useSession } from '../../app/session.js';
import { CodeEditor, type ScriptLanguage } from './CodeEditor.js';
import { PublishProcessor } from './PublishProcessor.js';
import { runScriptOnHub, ScriptTest } from './ScriptTest.js';
import type { ProcessorSummary } from './types.js';

export const STARTERS: Record<ScriptLanguage, string> = {
  javascript: "function process(data, context) {\n  const f = (p) => ({ ...p, value: p.value * 1.8 + 32, unit: 'degF' });\n  return Array.isArray(data) ? data.map(f) : f(data);\n}\n",
  python: "def process(data, context):\n    def f(p):\n        return {**p, 'value': p['value'] * 1.8 + 32, 'unit': 'degF'}\n    return [f(p) for p in data] if isinstance(data, list) else f(data)\n",
};

/** Scripts: write one (JS or Python), run it on samples in the hub's sandbox, publish it as a processor version; the processors of the organisation. */
export function ScriptsPage() {
  const { api, canChange } = useSession();
  const [language, setLanguage] = useState<ScriptLanguage>('javascript');
  const [source, setSource] = useState(STARTERS.javascript);
  const processors = useGet<{ items: ProcessorSummary[] }>('/v1/processors');
  const switchTo = (l: ScriptLanguage) => { if (source === STARTERS[language]) setSource(STARTERS[l]); setLanguage(l); };
  return (
    <section>
      <h1>Scripts and processors</h1>
      <div className="toolbar">
        <label>language<select aria-label="Language" value={language} onChange={(e) => switchTo(e.target.value as ScriptLanguage)}>
          <option value="javascript">JavaScript</option><option value="python">Python</option></select></label>
        <span className="muted small">Ctrl-Space completes the <code>process(data, context)</code> API.</span>
      </div>
      <CodeEditor value={source} onChange={setSource} language={language} label="Script source" />
      <ScriptTest run={(points) => runScriptOnHub(api, language, source, points)} />
      {canChange && <PublishProcessor language={language} source={source} onPublished={processors.reload} />}
      <h2>Processors</h2>
      <Resource res={processors} what="processors" empty={(d) => d.items.length === 0 && 'No processors yet: publish a script above.'}>
        {(d) => (
          <table className="grid" aria-label="Processors">
            <thead><tr><th>processor</th><th>active version</th><th>versions</th><th>enabled</th><th>updated</th></tr></thead>
            <tbody>
              {d.items.map((p) => (
                <tr key={p.name}>
                  <td><Link to={`/scripts/processors/${encodeURIComponent(p.name)}`}>{p.name}</Link></td>
                  <td>{p.active ?? '—'}</td><td>{p.versions.length}</td>
                  <td><span className={`badge ${p.enabled ? 'status-online' : 'status-offline'}`}>{p.enabled ? 'enabled' : 'disabled'}</span></td>
                  <td>{ago(p.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Resource>
    </section>
  );
}
