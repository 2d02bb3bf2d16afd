import { useState } from 'react';
import { Route, Routes } from 'react-router';
import { useGet } from '../../api/use-api.js';
import type { Delivery, HubAlert, Items } from '../../api/types.js';
import { useLive } from '../../app/live.js';
import { Resource } from '../../components/states.js';
import { Tabs } from '../../components/Tabs.js';
import { dateTime } from '../../components/format.js';
import { AlertTable } from './AlertTable.js';
import { RulesPanel } from './RulesPanel.js';

function ActiveAlerts() {
  const open = useGet<Items<HubAlert>>('/v1/alerts', { state: 'open', limit: 1000 });
  const live = useLive('alerts', open.reload);
  return (
    <>
      {live && <p className="live">● live</p>}
      <Resource res={open} what="active alerts" empty={(d) => d.items.length === 0 && 'No active alerts.'}>
        {(d) => <AlertTable label="Active alerts" alerts={d.items} changed={open.reload} />}
      </Resource>
    </>
  );
}

function History() {
  const [f, setF] = useState({ state: '', source: '', severity: '', rule: '', device: '' });
  const alerts = useGet<Items<HubAlert>>('/v1/alerts', { ...f, limit: 500 });
  const pick = (k: keyof typeof f, options: string[]) => (
    <select aria-label={k} value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })}>
      <option value="">any {k}</option>{options.map((o) => <option key={o}>{o}</option>)}
    </select>
  );
  return (
    <>
      <div className="toolbar">
        {pick('state', ['raised', 'acknowledged', 'cleared', 'open'])}{pick('source', ['edge', 'cloud'])}{pick('severity', ['info', 'warning', 'critical'])}
        <input aria-label="Rule" placeholder="Rule id" value={f.rule} onChange={(e) => setF({ ...f, rule: e.target.value })} />
        <input aria-label="Device" placeholder="Device" value={f.device} onChange={(e) => setF({ ...f, device: e.target.value })} />
      </div>
      <Resource res={alerts} what="alert history" empty={(d) => d.items.length === 0 && 'No alerts match.'}>
        {(d) => <AlertTable label="Alert history" alerts={d.items} changed={alerts.reload} />}
      </Resource>
    </>
  );
}

function Deliveries() {
  const [outcome, setOutcome] = useState('');
  const log = useGet<Items<Delivery>>('/v1/alerts/deliveries', { outcome, limit: 500 });
  return (
    <>
      <div className="toolbar"><select aria-label="Outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
        <option value="">any outcome</option>{['ok', 'retry', 'failed', 'dropped'].map((o) => <option key={o}>{o}</option>)}
      </select></div>
      <Resource res={log} what="webhook deliveries" empty={(d) => d.items.length === 0 && 'No webhook deliveries yet.'}>
        {(d) => (
          <table className="grid" aria-label="Webhook deliveries">
            <thead><tr><th>Time</th><th>Rule</th><th>Action</th><th>Target</th><th>Attempt</th><th>Outcome</th><th>Status</th><th>Detail</th></tr></thead>
            <tbody>{d.items.map((x, i) => (
              <tr key={i}><td>{dateTime(x.at)}</td><td>{x.rule}</td><td>{x.action}</td><td><code className="small">{x.target}</code></td><td>{x.attempt}</td><td>{x.outcome}</td><td>{x.status ?? '—'}</td><td>{x.detail ?? ''}</td></tr>
            ))}</tbody>
          </table>
        )}
      </Resource>
    </>
  );
}

const TABS = [
  { path: '', label: 'Active', El: ActiveAlerts },
  { path: 'history', label: 'History', El: History },
  { path: 'rules', label: 'Rules', El: RulesPanel },
  { path: 'deliveries', label: 'Webhook deliveries', El: Deliveries },
];

/** Active alerts (live) with acknowledge/clear, history, the rule set with its geofence editor, delivery log. */
export function AlertsPage() {
  return (
    <section>
      <h1>Alerts</h1>
      <Tabs base="/alerts" tabs={TABS} />
      <Routes>{TABS.map((t) => <Route key={t.path} path={t.path || '/'} element={<t.El />} />)}</Routes>
    </section>
  );
}
