import { useState } from 'react';
import { useGet } from '../../api/use-api.js';
import type { AuditEntry, Items } from '../../api/types.js';
import { Resource } from '../../components/states.js';
import { dateTime } from '../../components/format.js';

const summary = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v).slice(0, 160));

/** Every mutation in the organisation, newest first; filter by entity kind. */
export function AuditPanel() {
  const [entity, setEntity] = useState('');
  const audit = useGet<Items<AuditEntry>>('/v1/audit', { entity, limit: 200 });
  return (
    <section className="panel" aria-label="Audit log">
      <h2>Audit log</h2>
      <div className="toolbar"><input aria-label="Entity" placeholder="Entity (e.g. api_key, device, config)" value={entity} onChange={(e) => setEntity(e.target.value)} /></div>
      <Resource res={audit} what="audit log" empty={(d) => d.items.length === 0 && 'Nothing recorded yet.'}>
        {(d) => (
          <table className="grid" aria-label="Audit log">
            <thead><tr><th>Time</th><th>Actor</th><th>Action</th><th>Entity</th><th>After</th></tr></thead>
            <tbody>{d.items.map((e) => (
              <tr key={e.seq}><td>{dateTime(e.at)}</td><td>{e.actor}</td><td>{e.action}</td><td>{e.entity} <code className="small">{e.entityId}</code></td><td><code className="small">{summary(e.after)}</code></td></tr>
            ))}</tbody>
          </table>
        )}
      </Resource>
    </section>
  );
}
