import '../pipelines/pipelines.css';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { useAction, useGet } from '../../api/use-api.js';
import { ErrorNotice, Resource } from '../../components/states.js';
import { dateTime } from '../../components/format.js';
import { useSession } from '../../app/session.js';
import type { JsonSchema } from '../pipelines/catalogue.js';
import type { PipelineTrace } from '../pipelines/types.js';
import { SchemaForm } from '../pipelines/builder/SchemaForm.js';
import { CodeEditor } from './CodeEditor.js';
import { ScriptTest } from './ScriptTest.js';
import type { ProcessorStats, ProcessorSummary, ProcessorVersion } from './types.js';

/** One processor: versions (activate, roll back), enable/disable, usage per version, and a version's source, config form and test run. */
export function ProcessorPage() {
  const { name = '' } = useParams();
  const base = `/v1/processors/${encodeURIComponent(name)}`;
  const summary = useGet<ProcessorSummary>(base);
  const stats = useGet<ProcessorStats>(`${base}/stats`);
  const { canChange } = useSession();
  const act = useAction();
  const [picked, setPicked] = useState<string | null>(null);
  const change = async (path: string, body?: unknown) => { if (await act.run((api) => api.post(`${base}/${path}`, body ?? {}))) { summary.reload(); stats.reload(); } };
  return (
    <section>
      <h1>Processor {name}</h1>
      <ErrorNotice error={act.error} />
      <Resource res={summary} what="processor">
        {(p) => {
          const shown = picked ?? p.active ?? p.versions[0]?.version ?? null;
          return (
            <>
              <div className="toolbar">
                <span className={`badge ${p.enabled ? 'status-online' : 'status-offline'}`}>{p.enabled ? 'enabled' : 'disabled'}</span>
                <span>active: {p.active ?? '—'}</span>
                {canChange && <button type="button" disabled={act.busy} onClick={() => change(p.enabled ? 'disable' : 'enable')}>{p.enabled ? 'Disable' : 'Enable'}</button>}
                {canChange && p.rollbackTo && <button type="button" disabled={act.busy} onClick={() => change('rollback')}>Roll back to {p.rollbackTo}</button>}
              </div>
              <table className="grid" aria-label="Processor versions">
                <thead><tr><th>version</th><th>description</th><th>language</th><th>published</th><th>invocations</th><th>errors</th><th>avg / p95 ms</th><th>devices</th><th /></tr></thead>
                <tbody>
                  {p.versions.map((v) => {
                    const u = stats.data?.versions[v.version];
                    return (
                      <tr key={v.version} className={v.version === shown ? 'selected' : ''}>
                        <td><button type="button" className="link" onClick={() => setPicked(v.version)}>{v.version}</button>{v.version === p.active && <span className="badge status-online"> active</span>}</td>
                        <td>{v.description}</td><td>{v.language}</td><td>{dateTime(v.createdAt)}</td>
                        <td>{u?.invocations ?? 0}</td><td>{u?.errors ?? 0}</td><td>{u ? `${u.avgMs.toFixed(2)} / ${u.p95Ms.toFixed(2)}` : '—'}</td><td>{u?.devices ?? 0}</td>
                        <td>{canChange && v.version !== p.active && <button type="button" disabled={act.busy} onClick={() => change('activate', { version: v.version })}>Activate</button>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <ErrorNotice error={stats.error} />
              {shown && <VersionDetail base={base} version={shown} />}
            </>
          );
        }}
      </Resource>
    </section>
  );
}

/** A version's source (read-only: versions are immutable), its config form from the manifest and a test run. */
function VersionDetail({ base, version }: { base: string; version: string }) {
  const v = useGet<ProcessorVersion>(`${base}/versions/${encodeURIComponent(version)}`);
  const { api } = useSession();
  const [config, setConfig] = useState<Record<string, unknown>>({});
  useEffect(() => setConfig({}), [version]);
  return (
    <Resource res={v} what="processor version">
      {(pv) => (
        <>
          <h2>{pv.name} {pv.version} <span className="muted small">sha256 {pv.sha256.slice(0, 12)}</span></h2>
          <CodeEditor value={pv.source ?? ''} language={pv.language} readOnly label="Processor source" />
          <section className="panel" aria-label="Configuration">
            <h3>Configuration</h3>
            <SchemaForm schema={pv.manifest.configSchema as JsonSchema} value={config} onChange={setConfig} idPrefix="processor-config" />
          </section>
          <ScriptTest run={(sample) => api.post<PipelineTrace>(`${base}/test`, { version: pv.version, config, sample })} />
        </>
      )}
    </Resource>
  );
}
