import { useEffect, useState } from 'react';
import { useGet } from '../../api/use-api.js';
import type { Items, LogRow } from '../../api/types.js';
import { Resource } from '../../components/states.js';
import { dateTime } from '../../components/format.js';
import type { DeviceTabProps } from './device-tabs.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
/** The parts of the gateway that name themselves on shipped lines (apps/gateway/src/gateway.ts, hub-link). */
const SERVICES = ['gateway', 'ingest', 'sources', 'uplink', 'store', 'http', 'pipelines', 'alerts', 'artifacts'] as const;

/** Gateway logs shipped with heartbeats: filter by level, service (both on the hub) and text, live tail (refetch each beat). */
export function LogsTab({ device }: DeviceTabProps) {
  const [levels, setLevels] = useState<string[]>([]);
  const [service, setService] = useState('');
  const [text, setText] = useState('');
  const [tail, setTail] = useState(true);
  const [to, setTo] = useState(() => Date.now() + 1);
  const logs = useGet<Items<LogRow>>(`/v1/devices/${device.id}/logs`, { from: to - 86_400_000, to, limit: 1000, level: levels, ...(service ? { service: [service] } : {}) });
  // Services seen on this device's lines too, so a part not in the list above can still be picked.
  const [seen, setSeen] = useState<string[]>([]);
  useEffect(() => {
    const found = (logs.data?.items ?? []).flatMap((l) => (l.service ? [l.service] : []));
    if (found.some((x) => !seen.includes(x))) setSeen((ss) => [...new Set([...ss, ...found])]);
  }, [logs.data, seen]);
  const services = [...new Set<string>([...SERVICES, ...seen])];
  useEffect(() => {
    if (!tail) return;
    // Logs arrive with heartbeats; polling at about that pace is the tail.
    const timer = setInterval(() => setTo(Date.now() + 1), 2000);
    return () => clearInterval(timer);
  }, [tail]);
  const toggle = (l: string) => setLevels((ls) => (ls.includes(l) ? ls.filter((x) => x !== l) : [...ls, l]));
  return (
    <div>
      <div className="toolbar">
        <fieldset className="levels"><legend>Levels</legend>
          {LEVELS.map((l) => <label key={l} className="inline"><input type="checkbox" checked={levels.includes(l)} onChange={() => toggle(l)} /> {l}</label>)}
        </fieldset>
        <label>Service<select aria-label="Service" value={service} onChange={(e) => setService(e.target.value)}>
          <option value="">all services</option>{services.map((x) => <option key={x} value={x}>{x}</option>)}</select></label>
        <input aria-label="Filter logs" placeholder="Text in the message" value={text} onChange={(e) => setText(e.target.value)} />
        <label className="inline"><input type="checkbox" checked={tail} onChange={(e) => setTail(e.target.checked)} /> Live tail</label>
      </div>
      <Resource res={logs} what="logs" empty={(d) => d.items.length === 0 && `No log lines in the last 24 hours for ${service ? `service ${service} and ` : ''}these levels.`}>
        {(d) => (
          <table className="grid" aria-label="Logs">
            <thead><tr><th>Time</th><th>Level</th><th>Service</th><th>Message</th></tr></thead>
            <tbody>{d.items.filter((l) => !text || l.msg.toLowerCase().includes(text.toLowerCase())).slice().reverse().map((l, i) => (
              <tr key={`${l.at}-${i}`}><td>{dateTime(l.at)}</td><td><span className={`badge level-${l.level}`}>{l.level}</span></td><td>{l.service ?? <span className="muted">—</span>}</td><td><code>{l.msg}</code></td></tr>
            ))}</tbody>
          </table>
        )}
      </Resource>
    </div>
  );
}
