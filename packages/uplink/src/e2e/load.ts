import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * A steady load of points posted to a gateway's HTTP API, one device per worker so each
 * device's points are posted in timestamp order. A point counts as acknowledged only when the
 * gateway answered 2xx (committed to disk); a failed request leaves its points "unknown".
 */
/** Timestamps start an hour back: inside the gateway's accepted window (maxPastMs, maxFutureMs). */
export const E2E_T0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;

export class PointLoad {
  readonly acked = new Map<string, number[]>();
  readonly unknown = new Map<string, number[]>();
  private stopped = false;
  private readonly workers: Promise<void>[] = [];
  private next = new Map<string, number>();
  url: string;
  failures = 0;

  constructor(url: string, private readonly devices: number, private readonly perRequest = 20, private readonly pauseMs = 5, readonly t0 = E2E_T0) {
    this.url = url;
  }

  start(): void {
    this.stopped = false;
    for (let d = 0; d < this.devices; d++) this.workers.push(this.worker(`dev-${d}`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers.splice(0));
  }

  get ackedCount(): number {
    let n = 0;
    for (const v of this.acked.values()) n += v.length;
    return n;
  }

  private async worker(device: string): Promise<void> {
    while (!this.stopped) {
      const first = this.next.get(device) ?? 0;
      const seqs = Array.from({ length: this.perRequest }, (_, i) => first + i);
      this.next.set(device, first + this.perRequest);
      const body = JSON.stringify(seqs.map((s) => ({ device, metric: 'm', ts: this.t0 + s, value: s })));
      let ok = false;
      try {
        const res = await fetch(`${this.url}/v1/points`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        ok = res.status >= 200 && res.status < 300;
      } catch { /* gateway killed or restarting: these points are unknown */ }
      const into = ok ? this.acked : this.unknown;
      if (!ok) this.failures++;
      const list = into.get(device) ?? [];
      list.push(...seqs);
      into.set(device, list);
      await new Promise((r) => setTimeout(r, ok ? this.pauseMs : 50));
    }
  }
}

export interface HubPoints { byDevice: Map<string, number[]>; total: number; duplicates: number }

/** Points at the hub per device, in the order the hub stored them (its insert order). */
export function hubPoints(dbPath: string, t0 = E2E_T0): HubPoints {
  // The hub creates its uplink database on the first batch.
  if (!existsSync(dbPath)) return { byDevice: new Map(), total: 0, duplicates: 0 };
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    // A hub killed right after creating the file may not have created the tables yet.
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'uplink_points'").get()) return { byDevice: new Map(), total: 0, duplicates: 0 };
    const rows = db.prepare('SELECT device, ts FROM uplink_points ORDER BY id').all() as Array<{ device: string; ts: number }>;
    const dups = db.prepare('SELECT COUNT(*) FROM (SELECT 1 FROM uplink_points GROUP BY gateway, device, metric, ts HAVING COUNT(*) > 1)').pluck().get() as number;
    const byDevice = new Map<string, number[]>();
    for (const r of rows) {
      const l = byDevice.get(r.device) ?? [];
      l.push(r.ts - t0);
      byDevice.set(r.device, l);
    }
    return { byDevice, total: rows.length, duplicates: dups };
  } finally {
    db.close();
  }
}

/** Every acknowledged point is at the hub exactly once, nothing is duplicated, and each device's points arrived in order. */
export function assertExactlyOnce(load: PointLoad, hub: HubPoints): void {
  assert.equal(hub.duplicates, 0, 'points stored twice at the hub');
  let missing = 0;
  for (const [device, seqs] of load.acked) {
    const at = new Set(hub.byDevice.get(device) ?? []);
    for (const s of seqs) if (!at.has(s)) missing++;
  }
  assert.equal(missing, 0, `${missing} acknowledged point(s) missing at the hub`);
  for (const [device, seqs] of hub.byDevice) {
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, `${device}: point ${seqs[i]} arrived after ${seqs[i - 1]}`);
  }
}
