import { useState } from 'react';
import { useAction, useGet } from '../../api/use-api.js';
import type { RuleSet } from '../../api/types.js';
import { useSession } from '../../app/session.js';
import { ErrorNotice, Resource } from '../../components/states.js';
import { dateTime } from '../../components/format.js';
import { RuleEditor } from './RuleEditor.js';

type Rule = Record<string, unknown>;

/**
 * The organisation's rule set (GET/PUT /v1/alert-rules, versioned): edit rules locally, then save
 * them all as a new version. The hub checks them with the gateway's compiler and stores nothing
 * on an error, which names rules[i].
 */
export function RulesPanel() {
  const s = useSession();
  const set = useGet<RuleSet>('/v1/alert-rules');
  const act = useAction();
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <Resource res={set} what="alert rules">
      {(d) => {
        const list = rules ?? d.rules;
        const dirty = rules !== null;
        const save = async () => {
          const r = await act.run((api) => api.put<{ version: number; evaluated: string[]; edgeOnly: string[] }>('/v1/alert-rules', { rules: list }));
          if (r) { setRules(null); setSaved(`Saved as version ${r.version}: the hub evaluates ${r.evaluated.length} rule(s); ${r.edgeOnly.length} run only on gateways.`); set.reload(); }
        };
        const keep = (r: Rule) => { const next = [...list]; if (editing === 'new') next.push(r); else if (typeof editing === 'number') next[editing] = r; setRules(next); setEditing(null); setSaved(null); };
        return (
          <div>
            <p className="muted">Version {d.version ?? '—'}{d.createdAt ? `, saved ${dateTime(d.createdAt)} by ${d.createdBy}` : ''}. Rules that run on the edge are delivered with gateway configs; the hub evaluates cloud and both.</p>
            <table className="grid" aria-label="Alert rules">
              <thead><tr><th>Id</th><th>Kind</th><th>Runs on</th><th>Severity</th><th>Devices</th><th>Enabled</th><th /></tr></thead>
              <tbody>{list.map((r, i) => (
                <tr key={`${String(r.id)}-${i}`}>
                  <td>{String(r.id)}</td><td>{String(r.kind)}</td><td>{String(r.location ?? 'edge')}</td><td>{String(r.severity ?? 'warning')}</td>
                  <td>{Array.isArray(r.devices) ? r.devices.join(', ') : 'all'}</td><td>{r.enabled === false ? 'no' : 'yes'}</td>
                  <td>{s.canChange && <><button type="button" onClick={() => setEditing(i)}>Edit</button> <button type="button" onClick={() => { setRules(list.filter((_, j) => j !== i)); setSaved(null); }}>Remove</button></>}</td>
                </tr>
              ))}</tbody>
            </table>
            {list.length === 0 && <p className="empty muted">No rules yet.</p>}
            {editing !== null && <RuleEditor initial={editing === 'new' ? null : list[editing]!} onDone={keep} onCancel={() => setEditing(null)} />}
            <ErrorNotice error={act.error} />
            {saved && <p className="live" role="status">{saved}</p>}
            {s.canChange && editing === null && (
              <div className="toolbar">
                <button type="button" onClick={() => setEditing('new')}>Add rule</button>
                <button type="button" className="primary" disabled={!dirty || act.busy} onClick={() => void save()}>Save rule set</button>
                {dirty && <button type="button" onClick={() => setRules(null)}>Discard changes</button>}
              </div>
            )}
          </div>
        );
      }}
    </Resource>
  );
}
