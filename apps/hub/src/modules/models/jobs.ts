import { randomUUID } from 'node:crypto';
import { OutpostError, isOutpostError } from '@outpost/contract';
import type { ModelsDb } from './db.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export interface InferenceJob { id: string; model: string; status: JobStatus; result: unknown; error: { code: string; message: string } | null; createdAt: number; expiresAt: number }

/**
 * Async inference: the request is answered with a job id at once, the work runs in this hub
 * process, and the result (or error) can be polled until it expires; expired jobs are deleted.
 */
export class InferenceJobs {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly db: ModelsDb, private readonly ttlMs: number, private readonly now: () => number) {}

  async submit(orgId: string, model: string, work: () => Promise<unknown>): Promise<InferenceJob> {
    const at = this.now();
    await this.db.deleteFrom('inference_jobs').where('expires_at', '<=', at).execute();
    const job = { org_id: orgId, id: randomUUID(), name: model, status: 'queued', result: null, error: null, created_at: at, expires_at: at + this.ttlMs };
    await this.db.insertInto('inference_jobs').values(job).execute();
    const set = (status: JobStatus, fields: { result?: string; error?: string } = {}) =>
      this.db.updateTable('inference_jobs').set({ status, ...fields }).where('org_id', '=', orgId).where('id', '=', job.id).execute();
    const p = (async () => {
      await set('running');
      try {
        await set('succeeded', { result: JSON.stringify(await work()) });
      } catch (e) {
        const err = isOutpostError(e) ? { code: e.code, message: e.message } : { code: 'ERR_INTERNAL', message: (e as Error).message };
        await set('failed', { error: JSON.stringify(err) });
      }
    })().catch(() => undefined).finally(() => this.running.delete(p));
    this.running.add(p);
    return this.toJob(job);
  }

  async get(orgId: string, id: string): Promise<InferenceJob> {
    const r = await this.db.selectFrom('inference_jobs').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    if (!r) throw new OutpostError('ERR_HUB_NOT_FOUND', `inference job ${id} not found (results are kept until they expire)`);
    if (Number(r.expires_at) <= this.now()) throw new OutpostError('ERR_HUB_NOT_FOUND', `inference job ${id} expired at ${new Date(Number(r.expires_at)).toISOString()}; its result was dropped`);
    return this.toJob(r);
  }

  /** Waits for running jobs (hub shutdown). */
  async drain(): Promise<void> { await Promise.all([...this.running]); }

  private toJob(r: { id: string; name: string; status: string; result: string | null; error: string | null; created_at: number; expires_at: number }): InferenceJob {
    return {
      id: r.id, model: r.name, status: r.status as JobStatus, result: r.result === null ? null : JSON.parse(r.result),
      error: r.error === null ? null : JSON.parse(r.error) as { code: string; message: string }, createdAt: Number(r.created_at), expiresAt: Number(r.expires_at),
    };
  }
}
