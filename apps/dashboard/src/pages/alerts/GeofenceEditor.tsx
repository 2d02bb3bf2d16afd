import { useMemo, useState, type MouseEvent } from 'react';
import { closed, fit, round6, shapeRings, zoom, type Bounds, type Position, type Shape } from './geo.js';

const W = 640;
const H = 360;

/**
 * Draw a geofence on a plain equirectangular projection (graticule, no tiles): click to add
 * polygon corners, or place a circle and set its radius; or upload a GeoJSON polygon.
 */
export function GeofenceEditor({ value, onChange }: { value: Shape | null; onChange(s: Shape | null): void }) {
  const [mode, setMode] = useState<'polygon' | 'circle'>(value && 'circle' in value ? 'circle' : 'polygon');
  const [draft, setDraft] = useState<Position[]>(value && 'polygon' in value ? value.polygon.slice(0, -1) : []);
  const [radius, setRadius] = useState(value && 'circle' in value ? value.circle.radiusMeters : 250);
  const [bounds, setBounds] = useState<Bounds>(() => fit(safeRings(value)));
  const [problem, setProblem] = useState<string | null>(null);
  const rings = useMemo(() => safeRings(value), [value]);

  const x = (lon: number) => ((lon - bounds.minLon) / (bounds.maxLon - bounds.minLon)) * W;
  const y = (lat: number) => ((bounds.maxLat - lat) / (bounds.maxLat - bounds.minLat)) * H;
  const path = (ring: Position[]) => ring.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');

  const click = (e: MouseEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const lon = round6(bounds.minLon + ((e.clientX - r.left) / r.width) * (bounds.maxLon - bounds.minLon));
    const lat = round6(bounds.maxLat - ((e.clientY - r.top) / r.height) * (bounds.maxLat - bounds.minLat));
    if (mode === 'circle') { onChange({ circle: { center: [lon, lat], radiusMeters: radius } }); return; }
    const next = [...draft, [lon, lat] as Position];
    setDraft(next);
    onChange(next.length >= 3 ? { polygon: closed(next) } : null);
  };
  const upload = async (file: File | undefined) => {
    if (!file) return;
    try {
      const g = JSON.parse(await file.text()) as unknown;
      const rs = shapeRings({ geojson: g });
      setProblem(null); setDraft([]); onChange({ geojson: g }); setBounds(fit(rs));
    } catch (e) { setProblem(`${file.name}: ${(e as Error).message}`); }
  };
  const step = Math.pow(10, Math.floor(Math.log10(Math.max(1e-4, (bounds.maxLon - bounds.minLon) / 6))));
  const grid = (from: number, to: number) => { const out: number[] = []; for (let v = Math.ceil(from / step) * step; v <= to; v += step) out.push(v); return out; };

  return (
    <div className="geofence">
      <div className="toolbar">
        <label className="inline"><input type="radio" checked={mode === 'polygon'} onChange={() => setMode('polygon')} /> Polygon (click corners)</label>
        <label className="inline"><input type="radio" checked={mode === 'circle'} onChange={() => setMode('circle')} /> Circle (click centre)</label>
        {mode === 'circle' && <label>Radius (m)<input type="number" min={1} value={radius} onChange={(e) => { const r = Number(e.target.value); setRadius(r); if (value && 'circle' in value) onChange({ circle: { ...value.circle, radiusMeters: r } }); }} /></label>}
        <button type="button" onClick={() => { setDraft([]); onChange(null); }}>Clear shape</button>
        <button type="button" onClick={() => setBounds(zoom(bounds, 0.5))}>Zoom in</button>
        <button type="button" onClick={() => setBounds(zoom(bounds, 2))}>Zoom out</button>
        <button type="button" onClick={() => setBounds(fit(rings))}>Fit</button>
        <label>Upload GeoJSON<input type="file" accept=".json,.geojson,application/geo+json,application/json" onChange={(e) => void upload(e.target.files?.[0])} /></label>
      </div>
      {problem && <div className="error" role="alert">{problem}</div>}
      <svg viewBox={`0 0 ${W} ${H}`} className="geomap" role="img" aria-label="Geofence map" onClick={click}>
        <rect width={W} height={H} fill="#eef4fb" />
        {grid(bounds.minLon, bounds.maxLon).map((v) => <g key={`x${v}`}><line x1={x(v)} x2={x(v)} y1={0} y2={H} stroke="#cfd9e6" /><text x={x(v) + 2} y={H - 4} fontSize="10" fill="#6a7282">{round6(v)}°</text></g>)}
        {grid(bounds.minLat, bounds.maxLat).map((v) => <g key={`y${v}`}><line y1={y(v)} y2={y(v)} x1={0} x2={W} stroke="#cfd9e6" /><text x={2} y={y(v) - 2} fontSize="10" fill="#6a7282">{round6(v)}°</text></g>)}
        {rings.map((r, i) => <path key={i} d={`${path(r)} Z`} fill="rgba(31,111,235,.2)" stroke="#1f6feb" strokeWidth={2} />)}
        {mode === 'polygon' && draft.map((p, i) => <circle key={i} cx={x(p[0])} cy={y(p[1])} r={4} fill="#d1242f" />)}
      </svg>
      <p className="muted small">{value ? JSON.stringify(value).slice(0, 200) : 'No shape yet.'}</p>
    </div>
  );
}

function safeRings(s: Shape | null) {
  try { return shapeRings(s); } catch { return []; }
}
