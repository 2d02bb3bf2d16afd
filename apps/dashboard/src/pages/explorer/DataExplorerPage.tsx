import { useEffect, useState } from 'react';
import { useGet, toApiError } from '../../api/use-api.js';
import type { Device, Items, Page } from '../../api/types.js';
import type { ApiError } from '../../api/client.js';
import { loadSeries, type SeriesData } from '../../api/series.js';
import { useSession } from '../../app/session.js';
import { TimeChart } from '../../components/TimeChart.js';
import { RangePicker } from '../../components/RangePicker.js';
import { rangeMs, type RangeKey } from '../../components/range.js';
import { Empty, ErrorNotice, Loading } from '../../components/states.js';
import { dateTime } from '../../components/format.js';
import { download, toCsv } from './csv.js';

const RESOLUTIONS: Array<{ v: string; label: string }> = [
  { v: 'default', label: 'Automatic (raw ≤ 1 h, else rollups)' }, { v: 'raw', label: 'Raw points' }, { v: 'auto', label: 'Rollups, auto bucket' },
  { v: '60000', label: '1 minute' }, { v: '900000', label: '15 minutes' }, { v: '3600000', label: '1 hour' }, { v: '86400000', label: '1 day' },
];

/** Pick devices and a metric of each, a range and a resolution; chart, table and CSV export. */
export function DataExplorerPage() {
  const { api } = useSession();
  const devices = useGet<Page<Device>>('/v1/devices', { limit: 1000, sort: 'name' });
  const [deviceIds, setDeviceIds] = useState<string[]>([]);
  const [metricsByDevice, setMetricsByDevice] = useState<Record<string, string[]>>({});
  const [selected, setSelected] = useState<string[]>([]); // "deviceId|metric"
  const [range, setRange] = useState<RangeKey>('1h');
  const [resolution, setResolution] = useState('default');
  const [result, setResult] = useState<SeriesData[] | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const name = (id: string) => devices.data?.items.find((d) => d.id === id)?.name ?? id;

  useEffect(() => {
    for (const id of deviceIds) if (!metricsByDevice[id]) {
      api.get<Items<string>>('/v1/metrics', { device: id }).then((r) => setMetricsByDevice((m) => ({ ...m, [id]: r.items })), (e: unknown) => setError(toApiError(e)));
    }
  }, [api, deviceIds, metricsByDevice]);

  const run = async () => {
    setBusy(true); setError(undefined);
    const to = Date.now();
    const from = to - rangeMs(range);
    const res = resolution === 'default' ? undefined : resolution === 'raw' || resolution === 'auto' ? resolution : Number(resolution);
    try {
      setResult(await Promise.all(selected.map((key) => {
        const [device, metric] = key.split('|') as [string, string];
        return loadSeries(api, { device, metric, from, to, ...(res !== undefined ? { resolution: res } : {}), label: `${name(device)} · ${metric}` });
      })));
    } catch (e) { setError(toApiError(e)); } finally { setBusy(false); }
  };

  const options = deviceIds.flatMap((id) => (metricsByDevice[id] ?? []).map((m) => ({ key: `${id}|${m}`, label: `${name(id)} · ${m}` })));
  const rows = (result ?? []).flatMap((s) => s.rows.map((r) => ({ s, r }))).sort((a, b) => a.r.ts - b.r.ts);
  return (
    <section>
      <h1>Data explorer</h1>
      <ErrorNotice error={devices.error ?? error} />
      <div className="toolbar">
        <label>Devices
          <select aria-label="Devices" multiple size={6} value={deviceIds} onChange={(e) => setDeviceIds([...e.target.selectedOptions].map((o) => o.value))}>
            {(devices.data?.items ?? []).map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        </label>
        <label>Metrics
          <select aria-label="Metrics" multiple size={6} value={selected} onChange={(e) => setSelected([...e.target.selectedOptions].map((o) => o.value))}>
            {options.map((o) => <option key={o.key} value={o.key}>{o.label}</option>)}
          </select>
        </label>
        <RangePicker value={range} onChange={setRange} />
        <label>Resolution<select aria-label="Resolution" value={resolution} onChange={(e) => setResolution(e.target.value)}>{RESOLUTIONS.map((r) => <option key={r.v} value={r.v}>{r.label}</option>)}</select></label>
        <button type="button" className="primary" disabled={!selected.length || busy} onClick={() => void run()}>Show</button>
        <button type="button" disabled={!result?.length} onClick={() => download(`outpost-${range}-${new Date().toISOString().slice(0, 19)}.csv`, toCsv(result ?? []))}>Export CSV</button>
      </div>
      {devices.data?.items.length === 0 && <Empty>No devices yet.</Empty>}
      {busy && <Loading what="series" />}
      {result && (rows.length === 0 ? <Empty>No data in this range.</Empty> : (
        <>
          <TimeChart title="Selected series" series={result} height={300} />
          <table className="grid" aria-label="Data">
            <thead><tr><th>Time</th><th>Series</th><th>Value</th><th>Min</th><th>Max</th><th>Count</th></tr></thead>
            <tbody>{rows.slice(-500).reverse().map(({ s, r }, i) => (
              <tr key={i}><td>{dateTime(r.ts)}</td><td>{s.label}</td><td>{r.value ?? '—'}</td><td>{r.min ?? ''}</td><td>{r.max ?? ''}</td><td>{r.count ?? ''}</td></tr>
            ))}</tbody>
          </table>
          {rows.length > 500 && <p className="muted">Showing the newest 500 of {rows.length} rows; the CSV has them all.</p>}
        </>
      ))}
    </section>
  );
}
