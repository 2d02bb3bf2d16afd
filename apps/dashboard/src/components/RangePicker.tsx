import { RANGES, type RangeKey } from './range.js';

export function RangePicker({ value, onChange }: { value: RangeKey; onChange(k: RangeKey): void }) {
  return (
    <label>Range
      <select aria-label="Range" value={value} onChange={(e) => onChange(e.target.value as RangeKey)}>
        {RANGES.map((r) => <option key={r.key} value={r.key}>{r.label}</option>)}
      </select>
    </label>
  );
}
