import { useMemo, useState } from 'react';
import { useAction, useGet } from '../../api/use-api.js';
import type { ConfigList } from '../../api/types.js';
import { useSession } from '../../app/session.js';
import { ErrorNotice, Resource } from '../../components/states.js';
import { DiffView } from '../../components/DiffView.js';
import { dateTime } from '../../components/format.js';
import type { DeviceTabProps } from './device-tabs.js';

function parse(text: string): { value?: Record<string, unknown>; problem?: string } {
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { problem: 'expected a JSON object (the `gateway` section of an Outpost config)' };
    return { value: v as Record<string, unknown> };
  } catch (e) {
    return { problem: (e as Error).message };
  }
}

/**
 * The device's own config versions: edit as JSON (syntax checked while typing; the hub checks it
 * against the gateway config schema on save and stores nothing invalid), history, diff of any two
 * versions, rollback by activating an earlier one.
 */
export function ConfigTab({ device, reload }: DeviceTabProps) {
  const s = useSession();
  const path = `/v1/devices/${device.id}/configs`;
  const list = useGet<ConfigList>(path);
  const act = useAction();
  const [text, setText] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [pair, setPair] = useState<[number | null, number | null]>([null, null]);
  const active = list.data?.versions.find((v) => v.version === list.data?.active);
  const draft = text ?? JSON.stringify(active?.body ?? {}, null, 2);
  const parsed = useMemo(() => parse(draft), [draft]);
  const save = async () => {
    if (!parsed.value) return;
    if (await act.run((api) => api.post(path, { config: parsed.value, ...(note ? { note } : {}) }))) { setText(null); setNote(''); list.reload(); reload(); }
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
              <textarea className="code" aria-label="Config JSON" spellCheck={false} value={draft} readOnly={!s.canChange} onChange={(e) => setText(e.target.value)} />
              {parsed.problem && <div className="error" role="alert">JSON: {parsed.problem}</div>}
              <ErrorNotice error={act.error} />
              {issues && <ul className="error">{issues.map((i, k) => <li key={k}>{i.path ? <code>{i.path}</code> : null} {i.message}</li>)}</ul>}
              {s.canChange && (
                <div className="toolbar">
                  <input aria-label="Note" placeholder="Note (why)" value={note} onChange={(e) => setNote(e.target.value)} />
                  <button type="button" className="primary" disabled={!parsed.value || act.busy} onClick={() => void save()}>Save and push</button>
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
