import type { HeartbeatInput, HubStore } from '@outpost/storage/hub/index';

interface Pending { orgId: string; deviceId: string; hb: HeartbeatInput; done: (e: unknown, active?: boolean) => void }

/** Most beats committed in one transaction. */
const MAX_GROUP = 500;
/**
 * How long the first beat of a group waits for others. On SQLite a transaction runs start to
 * finish without yielding to new requests, so without this wait every beat would commit alone
 * (one WAL write, and every few hundred commits a checkpoint, per beat).
 */
export const HEARTBEAT_GROUP_DELAY_MS = 5;

/**
 * Group commit for heartbeats: beats that arrive within HEARTBEAT_GROUP_DELAY_MS of the first, or
 * while a transaction runs, are written together. Each request still answers only after its beat
 * is committed. A beat resolves false when its device is not active in its org (nothing of it was
 * stored).
 */
export class HeartbeatWriter {
  private pending: Pending[] = [];
  private writing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: HubStore, private readonly delayMs = HEARTBEAT_GROUP_DELAY_MS) {}

  write(orgId: string, deviceId: string, hb: HeartbeatInput): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ orgId, deviceId, hb, done: (e, active) => (e === undefined ? resolve(active === true) : reject(e)) });
      if (this.writing) return; // the running flush takes it next
      if (this.pending.length >= MAX_GROUP) this.flushNow();
      else this.timer ??= setTimeout(() => this.flushNow(), this.delayMs);
    });
  }

  private flushNow(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (!this.writing) void this.flush();
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.pending.length > 0) {
      const group = this.pending.splice(0, MAX_GROUP);
      try {
        const active = await this.store.health.recordMany(group);
        group.forEach((p, i) => p.done(undefined, active[i]));
      } catch (e) {
        for (const p of group) p.done(e);
      }
    }
    this.writing = false;
  }
}
