import { useState } from 'react';
import { useGet } from '../../../api/use-api.js';
import type { Device, Page } from '../../../api/types.js';
import type { TestSource } from '../types.js';

const local = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export const EXAMPLE_SAMPLES = JSON.stringify([
  { device: 'press-1', metric: 'temperature', ts: 1_700_000_000_000, value: 71.5, unit: 'degC' },
  { device: 'press-1', metric: 'temperature', ts: 1_700_000_001_000, value: 93.2, unit: 'degC' },
], null, 1);

/** The editable state behind a source: pasted samples, or a device's metric over a time range. */
export interface SourceState { mode: 'samples' | 'replay'; samples: string; device: string; metric: string; from: string; to: string }

export function useSourceState(): [SourceState, (s: SourceState) => void] {
  const [s, set] = useState<SourceState>(() => {
    const now = Date.now();
    return { mode: 'samples', samples: EXAMPLE_SAMPLES, device: '', metric: '', from: local(now - 3_600_000), to: local(now + 60_000) };
  });
  return [s, set];
}

/** The request part for the hub (`points` or `replay`), or a message saying what is wrong with the input. */
export function sourceOf(s: SourceState): TestSource | string {
  if (s.mode === 'replay') {
    if (!s.device || !s.metric) return 'Replay needs a device and a metric.';
    return { replay: { device: s.device, metric: s.metric, from: new Date(s.from).toISOString(), to: new Date(s.to).toISOString() } };
  }
  const text = s.samples.trim();
  try {
    const v: unknown = text.startsWith('[') ? JSON.parse(text) : text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
    return { points: Array.isArray(v) ? v : [v] };
  } catch (e) {
    return `Samples: not JSON (${(e as Error).message}); paste an array of points or one point per line.`;
  }
}

/** Choose pasted samples or a replayed device time range (the hub reads its stored series). */
export function SourcePicker({ value: s, onChange }: { value: SourceState; onChange(s: SourceState): void }) {
  const devices = useGet<Page<Device>>(s.mode === 'replay' ? '/v1/devices' : null, { limit: 200 });
  return (
    <div className="source-picker">
      <div role="radiogroup" aria-label="Test data" className="toolbar">
        <label className="inline"><input type="radio" name="source" checked={s.mode === 'samples'} onChange={() => onChange({ ...s, mode: 'samples' })} /> Pasted samples</label>
        <label className="inline"><input type="radio" name="source" checked={s.mode === 'replay'} onChange={() => onChange({ ...s, mode: 'replay' })} /> Replay a device time range</label>
      </div>
      {s.mode === 'samples'
        ? <label>samples (JSON array of points, or one per line)<textarea className="code" rows={6} aria-label="Samples" value={s.samples} onChange={(e) => onChange({ ...s, samples: e.target.value })} /></label>
        : (
          <div className="toolbar">
            <label>device
              <input list="replay-devices" aria-label="Replay device" value={s.device} onChange={(e) => onChange({ ...s, device: e.target.value })} />
              <datalist id="replay-devices">{devices.data?.items.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}</datalist>
            </label>
            <label>metric<input aria-label="Replay metric" value={s.metric} onChange={(e) => onChange({ ...s, metric: e.target.value })} /></label>
            <label>from<input type="datetime-local" aria-label="Replay from" value={s.from} onChange={(e) => onChange({ ...s, from: e.target.value })} /></label>
            <label>to<input type="datetime-local" aria-label="Replay to" value={s.to} onChange={(e) => onChange({ ...s, to: e.target.value })} /></label>
          </div>
        )}
    </div>
  );
}
