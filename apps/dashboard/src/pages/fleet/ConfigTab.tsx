import { useCallback, useMemo, useState } from 'react';
import { Ajv, type ValidateFunction } from 'ajv';
import { useAction, useGet } from '../../api/use-api.js';
import type { ConfigList } from '../../api/types.js';
import { useSession } from '../../app/session.js';
import { ErrorNotice, Resource } from '../../components/states.js';
import { DiffView } from '../../components/DiffView.js';
import { dateTime } from '../../components/format.js';
import type { DeviceTabProps } from './device-tabs.js';
import { ConfigEditor } from './config/ConfigEditor.js';
import { configProblems } from './config/config-lint.js';
import './config/config.css';

/** The gateway config schema from the hub, compiled once per load; an unusable schema is reported, not fatal (the hub still checks on save). */
function useConfigSchema(): { validate?: ValidateFunction; loading: boolean; problem?: string } {
  const schema = useGet<Record<string, unknown>>('/v1/configs/schema');
  return useMemo(() => {
    if (schema.error) return { loading: false, problem: `${schema.error.code} ${schema.error.message}` };
    if (!schema.data) return { loading: true };
    try {
      return { loading: false, validate: new Ajv({ allErrors: true, strict: false }).compile(schema.data) };
    } catch (e) {
      return { loading: false, problem: (e as Error).message };
    }
  }, [schema.data, schema.error]);
}

/**
 * The device's own config versions: edit as JSON, checked while typing against the gateway config
 * schema the hub serves (syntax and schema problems underlined at the offending key; Save stays
 * disabled while there are any; the hub checks again on save), history, diff of any two versions,
 * rollback by activating an earlier one. Loaded on first visit: ajv and CodeMirror stay out of the first load.
 */
export function ConfigTab({ device, reload }: DeviceTabProps) {
  const s = useSession();
  const path = `/v1/devices/${device.id}/configs`;
  const list = useGet<ConfigList>(path);
  const schema = useConfigSchema();
  const act = useAction();
  const [text, setText] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [pair, setPair] = useState<[number | null, number | null]>([null, null]);
  const active = list.data?.versions.find((v) => v.version === list.data?.active);
  const draft = text ?? JSON.stringify(active?.body ?? {}, null, 2);
  const check = useCallback((t: string) => configProblems(t, schema.validate), [schema.validate]);
  const problems = useMemo(() => check(draft), [check, draft]);
  const blocked = problems.length > 0 || schema.loading;
  const save = async () => {
    if (blocked) return;
    const config = JSON.parse(draft) as Record<string, unknown>;
    if (await act.run((api) => api.post(path, { config, ...(note ? { note } : {}) }))) { setText(null); setNote(''); list.reload(); reload(); }
  };
  const activate = async (v: number) => {
    if (await act.run((api) => api.post(`${path}/${v}/activate`))) { list.reload(); reload(); }
  };
  const issues = (act.error?.details as { issues?: Array<{ path?: string; message?: string }> } | undefined)?.issues;
  return (
    <Resource res={list} what="config history">
      {(d) => {
        const [a, b] = pair;
        const va = d.versions.find((v) => v.version === a);
        const vb = d.versions.find((v) => v.version === b);
        return (
          <div className="cards">
            <div className="card">
              <h3>Edit (new version)</h3>
              <p className="muted">Applied on the device: {device.appliedConfig ?? 'local config'} · desired: {device.desiredConfig ?? '—'}</p>
              <ConfigEditor label="Config JSON" value={draft} onChange={setText} check={check} readOnly={!s.canChange} />
              {problems.length > 0 && (
                <ul className="error config-problems" role="alert" aria-label="Config problems">
                  {problems.map((p) => <li key={`${p.path}-${p.from}`}><code>{p.path}</code> {p.message}</li>)}
                </ul>
              )}
              {schema.problem && <p className="muted small">Gateway config schema not available ({schema.problem}): only JSON syntax is checked here; the hub checks the schema on save.</p>}
              <ErrorNotice error={act.error} />
              {issues && <ul className="error">{issues.map((i, k) => <li key={k}>{i.path ? <code>{i.path}</code> : null} {i.message}</li>)}</ul>}
              {s.canChange && (
                <div className="toolbar">
                  <input aria-label="Note" placeholder="Note (why)" value={note} onChange={(e) => setNote(e.target.value)} />
                  <button type="button" className="primary" disabled={blocked || act.busy} onClick={() => void save()}>Save and push</button>
                  {problems.length > 0 && <span className="muted small">Fix {problems.length === 1 ? 'the problem' : `the ${problems.length} problems`} above to save.</span>}
                  {problems.length === 0 && schema.loading && <span className="muted small">Loading the config schema…</span>}
                </div>
              )}
            </div>
            <div className="card">
              <h3>History</h3>
              {d.versions.length === 0 ? <p className="muted">No config pushed to this device yet: it runs its local config.</p> : (
                <table className="grid" aria-label="Config history">
                  <thead><tr><th>Version</th><th>Created</th><th>By</th><th>Note</th><th>Diff</th><th /></tr></thead>
                  <tbody>{d.versions.map((v) => (
                    <tr key={v.version} data-version={v.version}>
                      <td>{v.version}{v.version === d.active && <span className="badge status-online">active</span>}</td>
                      <td>{dateTime(v.createdAt)}</td><td>{v.createdBy}</td><td>{v.note ?? ''}</td>
                      <td>
                        <label className="inline"><input type="radio" name="from" checked={a === v.version} onChange={() => setPair([v.version, b])} /> from</label>
                        <label className="inline"><input type="radio" name="to" checked={b === v.version} onChange={() => setPair([a, v.version])} /> to</label>
                      </td>
                      <td>{s.canChange && v.version !== d.active && <button type="button" onClick={() => void activate(v.version)}>{d.active !== null && v.version < d.active ? 'Roll back to this' : 'Activate'}</button>}</td>
                    </tr>
                  ))}</tbody>
                </table>
              )}
              {va && vb && <DiffView label={`Diff v${va.version} → v${vb.version}`} before={va.body} after={vb.body} />}
            </div>
          </div>
        );
      }}
    </Resource>
  );
}
