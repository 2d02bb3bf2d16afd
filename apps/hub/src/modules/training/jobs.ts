import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isOutpostError, OutpostError } from '@outpost/contract';
import { trainDetector, type TrainEstimate, type TrainProgress, type TrainRequest } from '@outpost/ml';
import type { MlDb, MlTables } from './db.js';
import type { ModelRepo } from './models.js';

export type JobStatus = 'queued' | 'running' | 'cancelling' | 'succeeded' | 'failed' | 'cancelled';
const TERMINAL: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface TrainingJob {
  id: string; name: string; algorithm: string; status: JobStatus;
  progress: { percent: number; stage: string; etaSeconds: number | null };
  estimate: TrainEstimate & { streams: Array<{ device: string; metric: string; points: number }> };
  request: Record<string, unknown>;
  error: string | null; model: { name: string; version: number } | null;
  createdBy: string; createdAt: number; updatedAt: number;
}

const toJob = (r: MlTables['ml_training_jobs']): TrainingJob => ({
  id: r.id, name: r.name, algorithm: r.kind, status: r.status as JobStatus,
  progress: { percent: Number(r.percent), stage: r.stage, etaSeconds: r.eta_seconds === null ? null : Number(r.eta_seconds) },
  estimate: JSON.parse(r.estimate) as TrainingJob['estimate'], request: JSON.parse(r.request) as Record<string, unknown>,
  error: r.error, model: r.model_version === null ? null : { name: r.name, version: Number(r.model_version) },
  createdBy: r.created_by, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
});

/** Progress is written at most this often (plus at every stage change): the row is for humans and the CLI. */
const PROGRESS_EVERY_MS = 250;
/** How often a hub process marks its jobs alive, picks up cancels made through other processes and fails orphans. */
const SWEEP_MS = 60_000;
/** A job whose process has not marked it alive for this long is an orphan (that process is gone). */
const ORPHAN_MS = 5 * 60_000;
const ACTIVE: JobStatus[] = ['queued', 'running', 'cancelling'];

interface Pending { orgId: string; id: string; actor: string; train: Omit<TrainRequest, 'onProgress' | 'signal'>; abort: AbortController }

/**
 * Training jobs: rows in `ml_training_jobs`, run one at a time in the hub process that accepted
 * them (training is CPU-bound; two at once would only slow both). On success the artifact becomes
 * the next version of the job's model name; a cancelled or failed job stores no model version.
 * Several hub processes may share one database: each marks its jobs alive every minute, a cancel
 * sent to another process reaches the owner through the row, and a job whose owner stopped
 * marking it for 5 minutes is failed (its data was in that process's memory; start it again).
 */
export class TrainingJobs {
  private readonly queue: Pending[] = [];
  private running: Pending | undefined;
  private idle: Promise<void> = Promise.resolve();
  private readonly me = randomUUID();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: MlDb, private readonly models: ModelRepo, private readonly now: () => number) {}

  /** Sweep now and every minute until close(). */
  async start(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep().catch(() => {}), SWEEP_MS);
    this.timer.unref();
  }

  async sweep(): Promise<void> {
    const now = this.now();
    await this.db.updateTable('ml_training_jobs').set({ updated_at: now }).where('runner', '=', this.me).where('status', 'in', ACTIVE).execute();
    const asked = await this.db.selectFrom('ml_training_jobs').select(['id']).where('runner', '=', this.me).where('status', '=', 'cancelling').execute();
    for (const { id } of asked) await this.stopLocal(id);
    await this.db.updateTable('ml_training_jobs').set({ status: 'failed', error: 'the hub process running this job stopped; start it again', updated_at: now })
      .where('runner', '!=', this.me).where('status', 'in', ACTIVE).where('updated_at', '<', now - ORPHAN_MS).execute();
  }

  async submit(p: { orgId: string; id: string; actor: string; name: string; request: Record<string, unknown>; estimate: TrainingJob['estimate']; train: Pending['train'] }): Promise<TrainingJob> {
    const at = this.now();
    const row = {
      id: p.id, org_id: p.orgId, name: p.name, kind: p.train.kind, request: JSON.stringify(p.request), estimate: JSON.stringify(p.estimate),
      status: 'queued', percent: 0, stage: 'queued', eta_seconds: p.estimate.estimatedSeconds, error: null, model_version: null,
      created_by: p.actor, created_at: at, updated_at: at, runner: this.me,
    };
    await this.db.insertInto('ml_training_jobs').values(row).execute();
    this.queue.push({ orgId: p.orgId, id: p.id, actor: p.actor, train: p.train, abort: new AbortController() });
    this.pump();
    return toJob(row);
  }

  async get(orgId: string, id: string): Promise<TrainingJob> {
    const r = await this.db.selectFrom('ml_training_jobs').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    if (!r) throw new OutpostError('ERR_HUB_NOT_FOUND', `training job ${id} not found`);
    return toJob(r);
  }

  async list(orgId: string, limit: number): Promise<TrainingJob[]> {
    return (await this.db.selectFrom('ml_training_jobs').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute()).map(toJob);
  }

  /** Queued: cancelled at once. Running: asked to stop ('cancelling'); it ends 'cancelled' within one work chunk. */
  async cancel(orgId: string, id: string): Promise<TrainingJob> {
    const job = await this.get(orgId, id);
    if (TERMINAL.includes(job.status)) throw new OutpostError('ERR_HUB_CONFLICT', `training job ${id} already ended (${job.status}); nothing to cancel`);
    // Mark first: the owner (this or another hub process) stops the job when it sees the mark.
    await this.db.updateTable('ml_training_jobs').set({ status: 'cancelling', updated_at: this.now() }).where('id', '=', id).where('status', 'in', ['queued', 'running']).execute();
    await this.stopLocal(id);
    return this.get(orgId, id);
  }

  private async stopLocal(id: string): Promise<void> {
    const qi = this.queue.findIndex((q) => q.id === id);
    if (qi >= 0) {
      this.queue.splice(qi, 1);
      await this.finish(id, { status: 'cancelled', error: 'cancelled before it started' });
    } else if (this.running?.id === id) {
      this.running.abort.abort('cancelled by request');
    }
  }

  /** Resolves when nothing is queued or running (for shutdown and tests). */
  async drain(): Promise<void> { while (this.running || this.queue.length) await this.idle; }

  /** Stop everything (hub shutdown): running jobs end cancelled. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const q of this.queue.splice(0)) await this.finish(q.id, { status: 'cancelled', error: 'the hub shut down before the job started' });
    this.running?.abort.abort('hub shutting down');
    await this.drain();
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.running = job;
    this.idle = this.run(job).finally(() => { this.running = undefined; this.pump(); });
  }

  private async run(job: Pending): Promise<void> {
    const started = await this.db.updateTable('ml_training_jobs').set({ status: 'running', stage: 'estimating', updated_at: this.now() }).where('id', '=', job.id).where('status', '=', 'queued').executeTakeFirst();
    if (Number(started.numUpdatedRows) === 0) { await this.finish(job.id, { status: 'cancelled', error: 'cancelled before it started' }); return; }
    let last = 0;
    let lastStage = '';
    let writes = Promise.resolve();
    const onProgress = (p: TrainProgress) => {
      const t = performance.now();
      if (t - last < PROGRESS_EVERY_MS && p.stage === lastStage) return;
      last = t;
      lastStage = p.stage;
      writes = writes.then(async () => {
        await this.db.updateTable('ml_training_jobs').set({ percent: p.percent, stage: p.stage, eta_seconds: p.etaSeconds, updated_at: this.now() })
          .where('id', '=', job.id).where('status', 'in', ['running', 'cancelling']).execute();
        const row = await this.db.selectFrom('ml_training_jobs').select(['status']).where('id', '=', job.id).executeTakeFirst();
        // Cancelled through another hub process, or failed as an orphan by one: stop here.
        if (row?.status === 'cancelling' || row?.status === 'failed') job.abort.abort(`job marked ${row.status}`);
      }).then(() => {}, () => {});
    };
    try {
      const result = await trainDetector({ ...job.train, onProgress, signal: job.abort.signal });
      await writes;
      if (job.abort.signal.aborted) throw new OutpostError('ERR_ML_CANCELLED', 'training was cancelled');
      const row = await this.db.selectFrom('ml_training_jobs').select(['name', 'status']).where('id', '=', job.id).executeTakeFirstOrThrow();
      if (row.status !== 'running') throw new OutpostError('ERR_ML_CANCELLED', `job was marked ${row.status} while it ran`);
      const v = await this.models.add(job.orgId, row.name, result.artifact, { actor: job.actor, jobId: job.id }, this.now());
      await this.finish(job.id, { status: 'succeeded', error: null, modelVersion: v.version, percent: 100, stage: 'done' });
    } catch (e) {
      await writes;
      if (isOutpostError(e, 'ERR_ML_CANCELLED')) await this.finish(job.id, { status: 'cancelled', error: 'cancelled while running; no model version was stored' }, ['running', 'cancelling']);
      else await this.finish(job.id, { status: 'failed', error: isOutpostError(e) ? `${e.code}: ${e.message}` : `internal error: ${(e as Error).message}` });
    }
  }

  /** Final state; `from` limits it to rows still in those states (a job failed as an orphan stays failed). */
  private async finish(id: string, r: { status: JobStatus; error: string | null; modelVersion?: number; percent?: number; stage?: string }, from: JobStatus[] = ACTIVE): Promise<void> {
    await this.db.updateTable('ml_training_jobs').set({
      status: r.status, error: r.error, model_version: r.modelVersion ?? null, updated_at: this.now(),
      ...(r.percent !== undefined ? { percent: r.percent, eta_seconds: 0 } : {}), ...(r.stage !== undefined ? { stage: r.stage } : { stage: r.status }),
    }).where('id', '=', id).where('status', 'in', from).execute();
  }
}
