import type { Assignment, EffectiveConfig, ExpectedMetric, HubStore } from '@outpost/storage/hub/index';
import type { DesiredArtifact } from '@outpost/contract/artifacts';
import { OutpostError } from '@outpost/contract';
import { DesiredArtifacts } from '../deployments/desired.js';

export interface DesiredState { config: EffectiveConfig | undefined; assignments: Array<Pick<Assignment, 'id' | 'artifactKind' | 'name' | 'version'>>; artifacts: DesiredArtifact[]; expectedMetrics: ExpectedMetric[] }

/** How long a device's desired state may be reused when another hub process changed it. */
const TTL_MS = 5_000;

interface Entry { gen: number; until: number; value: DesiredState; refreshing: boolean }
/** A device's load: waiting for the next batch (`gen` undefined) or in one that read at generation `gen`. */
interface Load { gen: number | undefined; p: Promise<DesiredState>; resolve: (v: DesiredState) => void; reject: (e: unknown) => void }

/**
 * The heartbeat's answer (desired config and assignments) per device, cached because it costs several queries and
 * changes rarely. Config changes made through this process invalidate at once (the store's
 * generation counter): the next beat waits for the new state. Changes by another hub process are
 * picked up by a refresh TTL_MS (less a random part, so devices do not all refresh together) after
 * the last load; that refresh runs in the background and the beat that starts it gets the state
 * it had, so no beat waits for it.
 *
 * Loads are batched: the devices that miss while a batch runs (or in the same tick) are loaded
 * together by the next one, with one query per source table (`store.desired.forDevices`), so a
 * fleet beating for the first time after a start costs a few queries per batch, not ~8 per device.
 */
export class DesiredConfigCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loads = new Map<string, Load>();
  /** Devices for the next batch, per organisation (the bulk query is org-scoped). */
  private pending = new Map<string, Set<string>>();
  private running = false;
  private scheduled = false;
  private readonly artifacts: DesiredArtifacts;

  constructor(private readonly store: HubStore, private readonly now: () => number, private readonly max = 100_000) {
    this.artifacts = new DesiredArtifacts(store);
  }

  async get(orgId: string, deviceId: string): Promise<DesiredState> {
    const gen = this.store.configs.generation;
    const e = this.entries.get(deviceId);
    if (e && e.gen === gen) {
      if (e.until <= this.now() && !e.refreshing) {
        e.refreshing = true;
        // A failed refresh keeps the state it had and is tried again on the next beat.
        this.load(orgId, deviceId, gen).catch(() => { e.refreshing = false; });
      }
      return e.value;
    }
    return this.load(orgId, deviceId, gen);
  }

  /**
   * Fill the cache for the active fleet (hub start), a slice at a time so beats that arrive
   * meanwhile join the next batch instead of waiting behind the whole fleet. Stops when `stop()`
   * says so; returns how many devices it loaded.
   */
  async warm(stop: () => boolean, slice = 1000): Promise<number> {
    const devices = await this.store.desired.activeDevices(this.max);
    let n = 0;
    for (let i = 0; i < devices.length && !stop(); i += slice) {
      const done = await Promise.allSettled(devices.slice(i, i + slice).map((d) => this.get(d.orgId, d.id)));
      n += done.filter((r) => r.status === 'fulfilled').length;
    }
    return n;
  }

  /** One load per device at a time: a queued one reads at its batch's start, so it serves any generation up to then. */
  private load(orgId: string, deviceId: string, gen: number): Promise<DesiredState> {
    const running = this.loads.get(deviceId);
    if (running && (running.gen === undefined || running.gen === gen)) return running.p;
    let resolve!: (v: DesiredState) => void;
    let reject!: (e: unknown) => void;
    const p = new Promise<DesiredState>((res, rej) => { resolve = res; reject = rej; });
    this.loads.set(deviceId, { gen: undefined, p, resolve, reject });
    let ids = this.pending.get(orgId);
    if (!ids) this.pending.set(orgId, (ids = new Set()));
    ids.add(deviceId);
    this.schedule();
    return p;
  }

  /** One batch at a time, so misses arriving meanwhile join the next one instead of racing it. */
  private schedule(): void {
    if (this.running || this.scheduled || this.pending.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.pending;
      this.pending = new Map();
      this.running = true;
      Promise.all([...batch].map(([orgId, ids]) => this.loadBatch(orgId, [...ids])))
        .finally(() => { this.running = false; this.schedule(); });
    });
  }

  private async loadBatch(orgId: string, ids: string[]): Promise<void> {
    const gen = this.store.configs.generation;
    const mine = new Map<string, Load>();
    for (const id of ids) {
      const l = this.loads.get(id);
      if (l && l.gen === undefined) { l.gen = gen; mine.set(id, l); }
    }
    const done = (id: string) => { if (this.loads.get(id) === mine.get(id)) this.loads.delete(id); };
    try {
      const found = await this.store.desired.forDevices(orgId, [...mine.keys()]);
      for (const [id, l] of mine) {
        const d = found.get(id);
        if (!d) { done(id); l.reject(new OutpostError('ERR_HUB_NOT_FOUND', `device ${id} not found`)); continue; }
        try {
          const value: DesiredState = {
            config: d.config, assignments: d.assignments.map(({ id: aid, artifactKind, name, version }) => ({ id: aid, artifactKind, name, version })),
            artifacts: await this.artifacts.resolve(orgId, d.rollouts), expectedMetrics: d.expectedMetrics,
          };
          // A load that started before a change is not kept: the change's generation is newer.
          if (gen === this.store.configs.generation) {
            if (this.entries.size >= this.max) this.entries.clear();
            this.entries.set(id, { gen, until: this.now() + TTL_MS * (0.75 + Math.random() * 0.25), value, refreshing: false });
          }
          done(id);
          l.resolve(value);
        } catch (e) { done(id); l.reject(e); }
      }
    } catch (e) {
      for (const [id, l] of mine) { done(id); l.reject(e); }
    }
  }
}
