import { useMemo, useState } from 'react';
import { GeofenceEditor } from './GeofenceEditor.js';
import type { Shape } from './geo.js';
import { RULE_KINDS, RULE_TEMPLATES, SHAPE_KEYS } from './rule-templates.js';

type Rule = Record<string, unknown>;

function shapeOf(r: Rule): Shape | null {
  for (const k of SHAPE_KEYS) if (r[k] !== undefined) return { [k]: r[k] } as Shape;
  return null;
}

/**
 * One rule: id, kind, where it runs (edge/cloud/both), severity, devices, the kind's settings as
 * JSON, and for geofences the map editor, which writes the shape into the same JSON.
 */
export function RuleEditor({ initial, onDone, onCancel }: { initial: Rule | null; onDone(r: Rule): void; onCancel(): void }) {
  const [rule, setRule] = useState<Rule>(() => initial ?? { id: 'new-rule', severity: 'warning', location: 'cloud', ...RULE_TEMPLATES.threshold });
  const { id, kind, severity, location, devices, enabled, ...rest } = rule;
  const [text, setText] = useState(() => JSON.stringify(rest, null, 2));
  const parsed = useMemo(() => { try { const v = JSON.parse(text) as unknown; return v && typeof v === 'object' && !Array.isArray(v) ? { v: v as Rule } : { e: 'expected a JSON object' }; } catch (e) { return { e: (e as Error).message }; } }, [text]);
  const set = (k: string, v: unknown) => setRule((r) => ({ ...r, [k]: v }));
  const setKind = (k: string) => { const { kind: _k, ...tpl } = RULE_TEMPLATES[k]!; setRule((r) => ({ id: r.id, severity: r.severity, location: r.location, ...(r.devices ? { devices: r.devices } : {}), kind: k })); setText(JSON.stringify(tpl, null, 2)); };
  const setShape = (s: Shape | null) => {
    const base = { ...(parsed.v ?? {}) };
    for (const k of SHAPE_KEYS) delete base[k];
    setText(JSON.stringify({ ...base, ...(s ?? {}) }, null, 2));
  };
  const done = () => {
    if (!parsed.v) return;
    const devs = Array.isArray(devices) && devices.length ? { devices } : {};
    onDone({ id, kind, severity, location, ...(enabled === false ? { enabled: false } : {}), ...devs, ...parsed.v });
  };
  return (
    <div className="card" aria-label="Rule editor">
      <div className="toolbar">
        <label>Id<input aria-label="Rule id" value={String(id ?? '')} onChange={(e) => set('id', e.target.value)} /></label>
        <label>Kind<select aria-label="Rule kind" value={String(kind)} onChange={(e) => setKind(e.target.value)}>{RULE_KINDS.map((k) => <option key={k}>{k}</option>)}</select></label>
        <label>Runs on<select aria-label="Runs on" value={String(location ?? 'edge')} onChange={(e) => set('location', e.target.value)}>
          <option value="edge">edge (gateways)</option><option value="cloud">cloud (hub)</option><option value="both">both</option>
        </select></label>
        <label>Severity<select aria-label="Severity" value={String(severity ?? 'warning')} onChange={(e) => set('severity', e.target.value)}>{['info', 'warning', 'critical'].map((s) => <option key={s}>{s}</option>)}</select></label>
        <label>Devices (comma-separated ids or globs; empty: all)<input aria-label="Rule devices" value={Array.isArray(devices) ? devices.join(', ') : ''} onChange={(e) => set('devices', e.target.value.split(',').map((s) => s.trim()).filter(Boolean))} /></label>
        <label className="inline"><input type="checkbox" checked={enabled !== false} onChange={(e) => set('enabled', e.target.checked)} /> enabled</label>
      </div>
      {kind === 'geofence' && <GeofenceEditor value={parsed.v ? shapeOf(parsed.v) : null} onChange={setShape} />}
      <label>Settings of this kind (JSON)<textarea className="code small-code" aria-label="Rule settings" spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} /></label>
      {parsed.e && <div className="error" role="alert">JSON: {parsed.e}</div>}
      <div className="toolbar">
        <button type="button" className="primary" disabled={!parsed.v} onClick={done}>Keep rule</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}
