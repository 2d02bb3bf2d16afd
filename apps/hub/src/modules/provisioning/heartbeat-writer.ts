import type { HeartbeatInput, HubStore } from '@outpost/storage/hub/index';

interface Pending { orgId: string; deviceId: string; hb: HeartbeatInput; done: (e?: unknown) => void }

/** Most beats committed in one transaction. */
const MAX_GROUP = 500;

/**
 * Group commit for heartbeats: beats that arrive while a transaction runs are written together
 * in the next one. Each request still answers only after its beat is committed.
 */
export class HeartbeatWriter {
  private pending: Pending[] = [];
  private writing = false;

  constructor(private readonly store: HubStore) {}

  write(orgId: string, deviceId: string, hb: HeartbeatInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ orgId, deviceId, hb, done: (e) => (e === undefined ? resolve() : reject(e)) });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.pending.length > 0) {
      const group = this.pending.splice(0, MAX_GROUP);
      try {
        await this.store.health.recordMany(group);
        for (const p of group) p.done();
      } catch (e) {
        for (const p of group) p.done(e);
      }
    }
    this.writing = false;
  }
}
