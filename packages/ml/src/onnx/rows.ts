import type { Point } from '@outpost/contract';
import type { FlatBatch } from './session.js';

/** Where an input row came from: the device, time and tags its output point gets. */
export interface RowKey { device: string; ts: number; tags?: Point['tags'] }

interface OpenRow extends RowKey { slot: number; filled: number }

/**
 * Turns feature points into input rows: each complete set of `features` metrics of a device at one
 * timestamp is one row (a one-feature model: each point is a row). Open rows keep their values in
 * one reusable slab of `width`-value slots, not an array each: this runs for every point, and the
 * allocations dominated the model node's cost. Points of one row usually arrive together and in
 * feature order, so the row last touched and the next feature are tried before the maps.
 */
export class RowAssembler {
  /** Rows waiting for more features, per device; the row in `last` is not in it. */
  private readonly pending = new Map<string, OpenRow>();
  private readonly featureIndex: Map<string, number>;
  private readonly width: number;
  private slab: Float32Array | Float64Array;
  private readonly freeSlots: number[] = [];
  private slots = 0;
  /** Rows dropped because a newer timestamp arrived before all their features did. */
  incomplete = 0;

  /**
   * `float32`: rows are float32 from the start (the model's input type), so the batch is fed to
   * onnxruntime without another copy; any other type keeps float64 values.
   */
  constructor(private readonly features: readonly string[], private readonly type: 'float32' | 'float64' = 'float64') {
    this.width = Math.max(1, features.length);
    this.slab = this.array(0);
    this.featureIndex = new Map(features.map((f, i) => [f, i]));
  }

  /** Complete rows of these points (with rows left open by earlier calls), row-major, in completion order. */
  rowsOf(points: readonly Point[]): { batch: FlatBatch; keys: RowKey[] } {
    if (this.features.length === 0) return this.onePerPoint(points);
    const { width, features, featureIndex, pending } = this;
    const done: OpenRow[] = [];
    let last: OpenRow | undefined;
    let next = 0; // the feature expected next in `last`
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      const v = p.value;
      // v - v is 0 only for finite numbers: NaN and ±Infinity are not inputs
      if (typeof v !== 'number' || v - v !== 0 || p.quality === 'bad') continue;
      const f = features[next] === p.metric ? next : featureIndex.get(p.metric);
      if (f === undefined) continue;
      let row: OpenRow | undefined;
      if (last !== undefined && last.device === p.device) row = last;
      else {
        if (last !== undefined) pending.set(last.device, last);
        row = pending.get(p.device);
        if (row !== undefined) pending.delete(p.device);
      }
      if (row !== undefined && row.ts !== p.ts) {
        if (p.ts < row.ts) { last = row; next = 0; continue; } // late feature of a row already replaced
        this.incomplete++;
        this.freeSlots.push(row.slot);
        row = undefined;
      }
      if (row === undefined) row = this.open(p);
      const at = row.slot * width + f;
      if (Number.isNaN(this.slab[at]!)) row.filled++;
      this.slab[at] = v;
      next = f + 1 === width ? 0 : f + 1;
      if (row.filled === width) { done.push(row); last = undefined; next = 0; } else last = row;
    }
    if (last !== undefined) pending.set(last.device, last);
    const flat = this.array(done.length * width);
    for (let r = 0; r < done.length; r++) {
      const from = done[r]!.slot * width;
      for (let k = 0; k < width; k++) flat[r * width + k] = this.slab[from + k]!;
      this.freeSlots.push(done[r]!.slot);
    }
    return { batch: { flat, rows: done.length, width }, keys: done };
  }

  clear(): void {
    this.pending.clear();
    this.freeSlots.length = 0;
    this.slots = 0;
    this.slab = this.array(0);
  }

  private array(n: number): Float32Array | Float64Array {
    return this.type === 'float32' ? new Float32Array(n) : new Float64Array(n);
  }

  private open(p: Point): OpenRow {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slots++;
      if (this.slots * this.width > this.slab.length) {
        const grown = this.array(Math.max(64, this.slots * 2) * this.width);
        grown.set(this.slab);
        this.slab = grown;
      }
    }
    this.slab.fill(Number.NaN, slot * this.width, (slot + 1) * this.width);
    return { device: p.device, ts: p.ts, tags: p.tags, slot, filled: 0 };
  }

  private onePerPoint(points: readonly Point[]): { batch: FlatBatch; keys: RowKey[] } {
    const flat = this.array(points.length);
    const keys: RowKey[] = [];
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      const v = p.value;
      if (typeof v !== 'number' || v - v !== 0 || p.quality === 'bad') continue;
      flat[keys.length] = v;
      keys.push(p); // the point itself: device, time and tags are all its output needs
    }
    return { batch: { flat: flat.subarray(0, keys.length), rows: keys.length, width: 1 }, keys };
  }
}
