import { OutpostError, type Logger, type Point } from '@outpost/contract';
import { LivePipeline, type CompileOptions, type EngineHost, type ModelRunner, type PipelineDocument, type ScriptRunner } from '@outpost/engine';
import { builtinOperators } from '@outpost/operators';
import type { Actor, HubStore } from '@outpost/storage/hub/index';
import { hubSinks } from './hub-sinks.js';
import { DeviceTypeCache } from './device-types.js';

export interface LiveLimits {
  /** Points waiting for one pipeline; a batch that would pass it is dropped and counted (ingest is never held up). */
  maxQueuedPoints: number;
  tickIntervalMs: number;
  maxKeysPerNode: number;
  /** Rows of `pipeline_outputs` older than this are deleted, a bounded step per tick. */
  outputRetentionMs: number;
}
export const DEFAULT_LIVE_LIMITS: LiveLimits = { maxQueuedPoints: 100_000, tickIntervalMs: 1000, maxKeysPerNode: 100_000, outputRetentionMs: 7 * 86_400_000 };

export interface LivePipelineStats {
  version: number; queuedPoints: number; batches: number; points: number; errors: number;
  /** Backpressure: points (and batches) not processed because the queue was full. */
  droppedPoints: number; droppedBatches: number;
  nodes: Record<string, Record<string, number>>;
}

interface Running {
  orgId: string; pipelineId: string; version: number; live: LivePipeline;
  queue: Point[][]; queued: number; draining: Promise<void> | null;
  batches: number; points: number; errors: number; droppedPoints: number; droppedBatches: number; lastDropLog: number;
}

export interface LiveDeps {
  store: HubStore; now: () => number; logger: Logger; scriptRunner: ScriptRunner;
  modelRunner: (orgId: string) => ModelRunner; limits: LiveLimits;
}

const key = (orgId: string, pipelineId: string) => `${orgId}\u0000${pipelineId}`;

/**
 * Pipelines running on the data the hub commits (ingest API and uplink): one LivePipeline per
 * active organisation + pipeline, the same executor the gateway runs. Each has a bounded queue
 * of committed batches between the store and the engine; when a pipeline falls behind, whole
 * batches are dropped and counted instead of holding up ingest (the points are already stored,
 * so a dropped range can be re-run with `POST /v1/pipelines/test` and `replay`).
 */
export class HubLivePipelines {
  private readonly running = new Map<string, Running>();
  private readonly types: DeviceTypeCache;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly d: LiveDeps) {
    this.types = new DeviceTypeCache(d.store, d.now);
  }

  /** Start every organisation's active versions (one that no longer compiles is logged and skipped) and the tick. */
  async start(): Promise<void> {
    for (const v of await this.d.store.pipelines.allActive()) {
      try {
        await this.run(v.orgId, v.pipelineId, v.version, v.doc);
      } catch (e) {
        this.d.logger.error({ err: e, orgId: v.orgId, pipeline: v.pipelineId, version: v.version }, `pipeline ${v.pipelineId} v${v.version} does not compile on the hub; not started`);
      }
    }
    this.ticker = setInterval(() => this.tick(), this.d.limits.tickIntervalMs);
    this.ticker.unref();
  }

  compileOptions(orgId: string, pipelineId: string): CompileOptions {
    const host: EngineHost = {
      clock: { now: this.d.now }, logger: this.d.logger, sinks: hubSinks(this.d.store, orgId, pipelineId, this.d.now, this.d.logger),
      scriptRunner: this.d.scriptRunner, modelRunner: this.d.modelRunner(orgId), limits: { maxKeysPerNode: this.d.limits.maxKeysPerNode },
      deviceTypeOf: (device) => this.types.get(orgId, device),
    };
    return { operators: builtinOperators, host };
  }

  /** The sandbox and the organisation's models, for tests and diffs (nothing is stored or sent there). */
  testRunners(orgId: string): { scriptRunner: ScriptRunner; modelRunner: ModelRunner } {
    return { scriptRunner: this.d.scriptRunner, modelRunner: this.d.modelRunner(orgId) };
  }

  /** Committed points of one organisation: queue them for each of its running pipelines (never blocks, never throws). */
  accept(orgId: string, points: readonly Point[]): void {
    for (const r of this.running.values()) {
      if (r.orgId !== orgId) continue;
      if (r.queued + points.length > this.d.limits.maxQueuedPoints) {
        r.droppedPoints += points.length;
        r.droppedBatches++;
        const now = this.d.now();
        if (now - r.lastDropLog >= 10_000) {
          r.lastDropLog = now;
          this.d.logger.warn({ orgId, pipeline: r.pipelineId, queued: r.queued, droppedPoints: r.droppedPoints }, `pipeline ${r.pipelineId} is behind: ${r.queued} points queued (limit ${this.d.limits.maxQueuedPoints}); newer batches are dropped and counted`);
        }
        continue;
      }
      r.queue.push(points as Point[]);
      r.queued += points.length;
      r.draining ??= this.drain(r);
    }
  }

  async activate(actor: Actor, pipelineId: string, version: number, reason: string): Promise<{ version: number; keptState: string[] }> {
    const v = await this.d.store.pipelines.get(actor.orgId, pipelineId, version);
    const keptState = await this.run(actor.orgId, pipelineId, version, v.doc);
    await this.d.store.pipelines.activate(actor, pipelineId, version, reason, this.d.now());
    this.d.logger.info({ orgId: actor.orgId, pipeline: pipelineId, version, keptState }, `pipeline ${pipelineId} v${version} runs on the hub`);
    return { version, keptState };
  }

  async rollback(actor: Actor, pipelineId: string, toVersion?: number): Promise<{ version: number; keptState: string[] }> {
    const target = toVersion ?? (await this.d.store.pipelines.previousVersion(actor.orgId, pipelineId));
    if (target === undefined) throw new OutpostError('ERR_PIPELINE_VERSION', `pipeline '${pipelineId}' has no earlier active version to roll back to`, { pipelineId });
    return this.activate(actor, pipelineId, target, 'rollback');
  }

  /** Stop one pipeline: its queue is processed and its open windows emitted first. */
  async deactivate(actor: Actor, pipelineId: string): Promise<void> {
    const r = this.running.get(key(actor.orgId, pipelineId));
    if (!r) throw new OutpostError('ERR_PIPELINE_VERSION', `pipeline '${pipelineId}' is not running on the hub`, { pipelineId });
    await this.d.store.pipelines.activate(actor, pipelineId, null, 'deactivate', this.d.now());
    this.running.delete(key(actor.orgId, pipelineId));
    await this.finish(r);
  }

  stats(orgId: string): Record<string, LivePipelineStats> {
    const out: Record<string, LivePipelineStats> = {};
    for (const r of this.running.values()) {
      if (r.orgId !== orgId) continue;
      out[r.pipelineId] = {
        version: r.version, queuedPoints: r.queued, batches: r.batches, points: r.points, errors: r.errors,
        droppedPoints: r.droppedPoints, droppedBatches: r.droppedBatches, nodes: r.live.current.stats(),
      };
    }
    return out;
  }

  /** Resolves when every queue is empty (tests, shutdown). */
  async idle(): Promise<void> {
    while ([...this.running.values()].some((r) => r.draining)) await Promise.all([...this.running.values()].map((r) => r.draining));
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    const all = [...this.running.values()];
    this.running.clear();
    for (const r of all) await this.finish(r);
  }

  private async run(orgId: string, pipelineId: string, version: number, doc: unknown): Promise<string[]> {
    const r = this.running.get(key(orgId, pipelineId));
    if (!r) {
      const live = await LivePipeline.start(doc as PipelineDocument, this.compileOptions(orgId, pipelineId));
      this.running.set(key(orgId, pipelineId), {
        orgId, pipelineId, version, live, queue: [], queued: 0, draining: null,
        batches: 0, points: 0, errors: 0, droppedPoints: 0, droppedBatches: 0, lastDropLog: -Infinity,
      });
      return [];
    }
    // Hot swap after the batch in flight; nodes that did not change keep their windows.
    const old = r.live.current;
    const kept = await r.live.replace(doc);
    old.dispose(new Set(r.live.current.nodes.map((n) => n.instance)));
    r.version = version;
    return kept;
  }

  private async drain(r: Running): Promise<void> {
    try {
      for (let batch = r.queue.shift(); batch; batch = r.queue.shift()) {
        r.queued -= batch.length;
        try {
          await this.types.load(r.orgId, batch);
          const res = await r.live.process(batch);
          r.batches++; r.points += batch.length; r.errors += res.errors.length;
        } catch (e) {
          r.errors++;
          this.d.logger.error({ err: e, orgId: r.orgId, pipeline: r.pipelineId }, `pipeline ${r.pipelineId} failed on a batch`);
        }
      }
    } finally {
      r.draining = null;
    }
  }

  private async finish(r: Running): Promise<void> {
    await r.draining;
    await r.live.flush().catch((e: unknown) => this.d.logger.error({ err: e, pipeline: r.pipelineId }, 'pipeline flush failed'));
    r.live.current.dispose();
  }

  private tick(): void {
    for (const r of this.running.values()) void r.live.tick(this.d.now()).catch((e: unknown) => this.d.logger.error({ err: e, pipeline: r.pipelineId }, 'pipeline tick failed'));
    void this.d.store.pipelineOutputs.trim(this.d.now() - this.d.limits.outputRetentionMs, 5000)
      .catch((e: unknown) => this.d.logger.error({ err: e }, 'trimming pipeline outputs failed'));
  }
}
