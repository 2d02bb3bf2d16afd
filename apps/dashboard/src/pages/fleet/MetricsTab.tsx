import { useEffect, useMemo, useState } from 'react';
import { useGet, toApiError } from '../../api/use-api.js';
import type { HeartbeatRow, Items } from '../../api/types.js';
import { loadSeries, type SeriesData } from '../../api/series.js';
import { useSession } from '../../app/session.js';
import type { ApiError } from '../../api/client.js';
import { TimeChart } from '../../components/TimeChart.js';
import { RangePicker } from '../../components/RangePicker.js';
import { rangeMs, type RangeKey } from '../../components/range.js';
import { Empty, ErrorNotice, Loading, Resource } from '../../components/states.js';
import type { DeviceTabProps } from './device-tabs.js';

const SYSTEM = ['cpu', 'memory', 'disk'] as const;

/** CPU, memory and disk from heartbeats; the device's telemetry (chosen metrics) from the hub's series. */
export function MetricsTab({ device }: DeviceTabProps) {
  const { api } = useSession();
  const [range, setRange] = useState<RangeKey>('1h');
  const [to, setTo] = useState(() => Date.now());
  const from = to - rangeMs(range);
  const beats = useGet<Items<HeartbeatRow>>(`/v1/devices/${device.id}/heartbeats`, { from, to, limit: 5000 });
  const metrics = useGet<Items<string>>('/v1/metrics', { device: device.id });
  const [picked, setPicked] = useState<string[]>([]);
  const [series, setSeries] = useState<SeriesData[] | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  useEffect(() => {
    if (!picked.length && metrics.data?.items.length) setPicked(metrics.data.items.slice(0, 3));
  }, [metrics.data, picked.length]);
  useEffect(() => {
    let live = true;
    setError(undefined);
    Promise.all(picked.map((m) => loadSeries(api, { device: device.id, metric: m, from, to })))
      .then((s) => { if (live) setSeries(s); }, (e: unknown) => { if (live) setError(toApiError(e)); });
    return () => { live = false; };
  }, [api, device.id, picked, from, to]);

  const system = useMemo(() => {
    const rows = beats.data?.items ?? [];
    return SYSTEM.map((k) => ({ label: `${k} %`, ts: rows.map((r) => r.at), values: rows.map((r) => { const v = r.body.system?.[k]; return typeof v === 'number' ? v * 100 : null; }) }));
  }, [beats.data]);

  return (
    <div>
      <div className="toolbar">
        <RangePicker value={range} onChange={(k) => { setRange(k); setTo(Date.now()); }} />
        <button type="button" onClick={() => setTo(Date.now())}>Refresh</button>
        <label>Telemetry metrics
          <select aria-label="Telemetry metrics" multiple size={Math.min(6, Math.max(2, metrics.data?.items.length ?? 2))} value={picked}
            onChange={(e) => setPicked([...e.target.selectedOptions].map((o) => o.value))}>
            {(metrics.data?.items ?? []).map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </label>
      </div>
      <h3>System</h3>
      <Resource res={beats} what="heartbeats" empty={(d) => d.items.length === 0 && 'No heartbeats in this range.'}>
        {/* CPU is the 1-minute load per core, which passes 100 % on an overloaded box: its own scale. */}
        {() => <><TimeChart title="CPU load per core (%)" series={system.slice(0, 1)} height={160} /><TimeChart title="Memory and disk use (%)" series={system.slice(1)} height={160} /></>}
      </Resource>
      <h3>Telemetry</h3>
      <ErrorNotice error={metrics.error ?? error} />
      {metrics.data?.items.length === 0 && <Empty>This device has sent no telemetry to the hub yet.</Empty>}
      {picked.length > 0 && (series === undefined ? <Loading what="series" /> : series.map((s) => (
        <TimeChart key={s.metric} title={`${s.metric} (${s.resolution === 'raw' ? 'raw points' : `avg per ${s.resolution / 1000} s`})`} series={[s]} height={180} />
      )))}
    </div>
  );
}
