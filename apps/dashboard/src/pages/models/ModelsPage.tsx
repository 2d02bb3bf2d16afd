import { useMemo, useState } from 'react';
import { Link, Route, Routes, useParams } from 'react-router';
import { useGet, useAction } from '../../api/use-api.js';
import { errorOf, type ApiError } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import type { Items } from '../../api/types.js';
import { TimeChart } from '../../components/TimeChart.js';
import { ErrorNotice, Resource } from '../../components/states.js';
import { bytes, dateTime } from '../../components/format.js';
import { download } from '../explorer/csv.js';
import { chartsOf, pointsOf } from './charts.js';
import type { ModelSummary, ModelVersion, Monitoring } from './types.js';

/** Monitoring is kept per UTC day, so the ranges are whole days. */
const RANGES = [{ days: 7, label: 'Last 7 days' }, { days: 30, label: 'Last 30 days' }, { days: 90, label: 'Last 90 days' }];
const DAY = 86_400_000;
/** Five charts side by side where the width allows (a local layout: the shared stylesheet is left alone). */
const CHART_GRID = { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))', gap: '12px' } as const;

const tagList = (tags: string[]) => (tags.length ? tags.join(', ') : '—');
const num = (v: number | null | undefined, digits = 3) => (v == null ? '—' : String(Math.round(v * 10 ** digits) / 10 ** digits));

function ModelList() {
  const models = useGet<Items<ModelSummary>>('/v1/registry/models');
  return (
    <Resource res={models} what="models" empty={(d) => d.items.length === 0 && 'No models yet. Upload one with POST /v1/registry/models/{name}/versions (docs/models.md).'}>
      {(d) => (
        <table className="grid" aria-label="Models">
          <thead><tr><th>Model</th><th>Latest version</th><th>Versions</th><th>Format</th><th>Tags</th><th>Size</th><th>Uploaded</th></tr></thead>
          <tbody>{d.items.map((m) => (
            <tr key={m.name}>
              <td><Link to={`/models/${encodeURIComponent(m.name)}`}>{m.name}</Link></td>
              <td>{m.latest.version}</td><td>{m.versions}</td><td>{m.latest.format}{m.latest.executable ? '' : ' (stored only)'}</td>
              <td>{Object.entries(m.tags).map(([t, v]) => `${t} → v${v}`).join(', ') || '—'}</td>
              <td>{bytes(m.latest.sizeBytes)}</td><td>{dateTime(m.latest.createdAt)}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </Resource>
  );
}

function ModelDetail() {
  const name = useParams().name ?? '';
  const { api } = useSession();
  const versions = useGet<Items<ModelVersion>>(`/v1/registry/models/${encodeURIComponent(name)}/versions`);
  const [picked, setPicked] = useState<number | undefined>();
  const [days, setDays] = useState(30);
  // The range ends at the next UTC midnight, so today's figures are in.
  const range = useMemo(() => { const to = Math.ceil((Date.now() + 1) / DAY) * DAY; return { from: to - days * DAY, to }; }, [days]);
  const version = picked ?? versions.data?.items[0]?.version;
  const monitoring = useGet<Monitoring>(version === undefined ? null : `/v1/registry/models/${encodeURIComponent(name)}/monitoring`, { ...range, version });
  const csv = useAction();
  const [csvError, setCsvError] = useState<ApiError | undefined>();

  // The hub's own CSV route (the same file a CLI user gets), fetched with this session's credentials.
  const exportCsv = () => void csv.run(async () => {
    setCsvError(undefined);
    const res = await api.fetch(`/v1/registry/models/${encodeURIComponent(name)}/monitoring?format=csv&from=${range.from}&to=${range.to}&version=${version}`);
    if (!res.ok) { setCsvError(await errorOf(res)); return; }
    download(`${name}-v${version}-monitoring.csv`, await res.text());
  });

  return (
    <>
      <p><Link to="/models">← Models</Link></p>
      <h2>{name}</h2>
      <Resource res={versions} what="versions">
        {(d) => (
          <>
            <table className="grid" aria-label="Versions">
              <thead><tr><th>Version</th><th>Format</th><th>Tags</th><th>Size</th><th>Test latency</th><th>Metrics</th><th>Downloads</th><th>Deprecated</th><th>Uploaded</th></tr></thead>
              <tbody>{d.items.map((v) => (
                <tr key={v.version} aria-selected={v.version === version}>
                  <td><button type="button" className="link" onClick={() => setPicked(v.version)}>v{v.version}</button></td>
                  <td>{v.format}{v.executable ? '' : ' (stored only)'}</td><td>{tagList(v.tags)}</td><td>{bytes(v.sizeBytes)}</td>
                  <td>{v.meta.testLatencyMs == null ? '—' : `${num(v.meta.testLatencyMs)} ms`}</td>
                  <td>{Object.entries(v.meta.metrics ?? {}).map(([k, x]) => `${k} ${x}`).join(', ') || '—'}</td>
                  <td>{v.downloads}</td><td>{v.deprecated ? v.deprecated.reason : '—'}</td><td>{dateTime(v.createdAt)}</td>
                </tr>
              ))}</tbody>
            </table>
            <div className="toolbar">
              <label>Version
                <select aria-label="Version" value={version ?? ''} onChange={(e) => setPicked(Number(e.target.value))}>
                  {d.items.map((v) => <option key={v.version} value={v.version}>v{v.version}{v.tags.length ? ` (${v.tags.join(', ')})` : ''}</option>)}
                </select>
              </label>
              <label>Range
                <select aria-label="Range" value={days} onChange={(e) => setDays(Number(e.target.value))}>
                  {RANGES.map((r) => <option key={r.days} value={r.days}>{r.label}</option>)}
                </select>
              </label>
              <button type="button" disabled={version === undefined || csv.busy} onClick={exportCsv}>Export CSV</button>
            </div>
            <ErrorNotice error={csv.error ?? csvError} />
          </>
        )}
      </Resource>
      {version !== undefined && (
        <Resource res={monitoring} what="monitoring" empty={(m) => !m.days.some((x) => x.version === String(version)) && !m.accuracyByDay.some((a) => a.version === version) && `No inferences of v${version} in this range.`}>
          {(m) => <VersionCharts m={m} version={version} />}
        </Resource>
      )}
    </>
  );
}

function VersionCharts({ m, version }: { m: Monitoring; version: number }) {
  const charts = useMemo(() => chartsOf(m, version), [m, version]);
  const days = m.days.filter((d) => d.version === String(version));
  return (
    <>
      <div style={CHART_GRID}>
        {charts.map((c) => (
          <figure key={c.title} style={{ margin: 0 }} data-testid="model-chart" data-points={pointsOf(c)} aria-label={c.title}>
            {pointsOf(c) === 0 ? <p className="muted">{c.title}: no data in this range.</p> : <TimeChart title={c.title} series={c.series} height={200} />}
          </figure>
        ))}
      </div>
      <table className="grid" aria-label="Daily figures">
        <thead><tr><th>Day</th><th>Count</th><th>Errors</th><th>Error rate</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>PSI</th><th>KL</th></tr></thead>
        <tbody>{days.slice().reverse().map((d) => (
          <tr key={d.day}><td>{d.day}</td><td>{d.count}</td><td>{d.errors}</td><td>{num(d.errorRate)}</td><td>{num(d.p50Ms)}</td><td>{num(d.p95Ms)}</td><td>{num(d.p99Ms)}</td><td>{num(d.psi)}</td><td>{num(d.kl)}</td></tr>
        ))}</tbody>
      </table>
    </>
  );
}

/** Registered models with their versions and tags; per version, monitoring history charts and the CSV export. */
export function ModelsPage() {
  return (
    <section>
      <h1>Models</h1>
      <Routes>
        <Route index element={<ModelList />} />
        <Route path=":name" element={<ModelDetail />} />
      </Routes>
    </section>
  );
}
