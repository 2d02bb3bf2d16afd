import { randomUUID } from 'node:crypto';
import type { HubPoint, HubStore, IngestBatch } from '@outpost/storage/hub/index';
import type { ObjectStore } from './object-store.js';
import { WorkQueue } from './queue.js';
import { pointOf, type PointFeed } from './point-feed.js';

interface Job { batch: IngestBatch; points: HubPoint[] }

/** Max points per writer transaction: several queued batches of one org are written together. */
const WRITE_POINTS = 20_000;

/**
 * Hub ingest: archive the raw body, record the batch as `received`, queue it; the writer stores
 * the points and marks the batch `stored` or `failed` with the reason.
 */
export class IngestPipeline {
  private readonly queue: WorkQueue<Job>;

  constructor(private readonly store: HubStore, private readonly objects: ObjectStore, private readonly now: () => number,
    private readonly log: { error(o: object, m: string): void }, private readonly feed?: PointFeed) {
    this.queue = new WorkQueue((jobs) => this.write(jobs), { maxLength: 10_000, maxTake: 64 });
  }

  async accept(orgId: string, source: string, raw: string | Uint8Array, points: HubPoint[]): Promise<IngestBatch> {
    const id = randomUUID();
    const at = this.now();
    const day = new Date(at).toISOString().slice(0, 10);
    const archiveKey = `ingest/${orgId}/${day}/${id}.json`;
    await this.objects.put(archiveKey, raw);
    const batch = await this.store.series.createBatch({ id, orgId, source, points: points.length, archiveKey }, at);
    this.queue.push({ batch, points });
    return batch;
  }

  drained(): Promise<void> { return this.queue.drained(); }

  private async write(jobs: Job[]): Promise<void> {
    // Group consecutive jobs of one org into one transaction (bounded), then mark each batch.
    let i = 0;
    while (i < jobs.length) {
      const group: Job[] = [jobs[i]!];
      let n = jobs[i]!.points.length;
      while (i + group.length < jobs.length && jobs[i + group.length]!.batch.orgId === group[0]!.batch.orgId && n + jobs[i + group.length]!.points.length <= WRITE_POINTS) {
        n += jobs[i + group.length]!.points.length;
        group.push(jobs[i + group.length]!);
      }
      i += group.length;
      await this.writeGroup(group);
    }
  }

  private async writeGroup(group: Job[]): Promise<void> {
    const orgId = group[0]!.batch.orgId;
    try {
      await this.store.series.writePoints(orgId, group.flatMap((j) => j.points));
      await this.store.series.storedBatches(group.map((j) => j.batch.id), this.now());
      if (this.feed?.active) this.feed.emit(orgId, group.flatMap((j) => j.points.map(pointOf)));
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.log.error({ err: e, batches: group.map((j) => j.batch.id) }, 'ingest write failed');
      for (const j of group) await this.store.series.finishBatch(j.batch.id, { status: 'failed', stored: 0, error: reason }, this.now()).catch(() => undefined);
    }
  }
}
