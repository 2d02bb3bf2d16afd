/**
 * The state an expression may read: the previous value of each device+metric (`prev`, `prev_ts`)
 * and the latest value of each metric per device (`last("m")`). Bounded like window state: past
 * `maxKeys` new keys are not remembered (prev reads null for them) and `dropped` counts them.
 */
import type { Point, PointValue } from '@outpost/contract';
import type { Clock } from '../types.js';
import type { EvalScope } from './functions.js';

interface Seen { v: PointValue | null; ts: number }

export class PointMemory implements EvalScope {
  private readonly byDevice = new Map<string, Map<string, Seen>>();
  private size = 0;
  dropped = 0;

  constructor(private readonly clock: Clock, private readonly maxKeys: number) {}

  get keys(): number { return this.size; }
  now(): number { return this.clock.now(); }

  prev(p: Point): PointValue | null {
    return this.byDevice.get(p.device)?.get(p.metric)?.v ?? null;
  }

  prevTs(p: Point): number | null {
    return this.byDevice.get(p.device)?.get(p.metric)?.ts ?? null;
  }

  last(p: Point, metric: string): PointValue | null {
    return this.byDevice.get(p.device)?.get(metric)?.v ?? null;
  }

  /** Remember a point once it has been evaluated. Older points (out of order) do not replace newer ones. */
  observe(p: Point): void {
    let m = this.byDevice.get(p.device);
    const seen = m?.get(p.metric);
    if (seen) {
      if (p.ts >= seen.ts) { seen.v = p.value; seen.ts = p.ts; }
      return;
    }
    if (this.size >= this.maxKeys) { this.dropped++; return; }
    if (!m) this.byDevice.set(p.device, (m = new Map()));
    m.set(p.metric, { v: p.value, ts: p.ts });
    this.size++;
  }
}
