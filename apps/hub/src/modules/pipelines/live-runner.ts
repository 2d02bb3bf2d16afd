import { OutpostError, type Logger, type Point } from '@outpost/contract';
import { BoundedFeed, LivePipeline, type CompileOptions, type FeedStats, type EngineHost, type ModelRunner, type PipelineDocument, type ScriptRunner } from '@outpost/engine';
import { builtinOperators } from '@outpost/operators';
import { defaultConfig, type HubConfig } from '@outpost/config';
import type { Actor, HubStore } from '@outpost/storage/hub/index';
import { MqttPublisher } from '@outpost/operators/outputs/mqtt-publisher';
import { HUB_MQTT_HINT, hubSinks, type HubOutputs, type HubSinks } from './hub-sinks.js';
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

/** Queue and throughput counters (backpressure: `droppedPoints`/`droppedBatches`) and the engine's per-node stats. */
export interface LivePipelineStats extends FeedStats {
  version: number;
  nodes: Record<string, Record<string, number>>;
}

interface Running { orgId: string; pipelineId: string; version: number; live: LivePipeline; feed: BoundedFeed; sinks: HubSinks }

export interface LiveDeps {
  store: HubStore; now: () => number; logger: Logger;
  /** Per organisation: inline scripts and that organisation's processors. */
  scriptRunner: (orgId: string) => ScriptRunner;
  modelRunner: (orgId: string) => ModelRunner; limits: LiveLimits;
  /** MQTT publisher and outbox bounds (hub.pipelines); default: no broker, the outbox defaults of the config. */
  outputs?: HubOutputs;
}

const key = (orgId: string, pipelineId: string) => `${orgId}\u0000${pipelineId}`;

/**
 * Pipelines running on the data the hub commits (ingest API and uplink): one LivePipeline per
 * active organisation + pipeline, the same executor the gateway runs, each behind the engine's
 * BoundedFeed (a pipeline that falls behind has whole batches dropped and counted; ingest is
 * never held up).
 */
export class HubLivePipelines {
  private readonly running = new Map<string, Running>();
  private readonly types: DeviceTypeCache;
  private ticker: NodeJS.Timeout | undefined;
  private readonly outputs: HubOutputs;

  constructor(private readonly d: LiveDeps) {
    this.types = new DeviceTypeCache(d.store, d.now);
    this.outputs = d.outputs ?? hubOutputs(defaultConfig().hub.pipelines, undefined);
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

  private compileOptions(orgId: string, sinks: HubSinks): CompileOptions {
    const host: EngineHost = {
      clock: { now: this.d.now }, logger: this.d.logger, sinks: sinks.sinks,
      scriptRunner: this.d.scriptRunner(orgId), modelRunner: this.d.modelRunner(orgId), limits: { maxKeysPerNode: this.d.limits.maxKeysPerNode },
      deviceTypeOf: (device) => this.types.get(orgId, device),
      missingSinkHints: { mqtt: HUB_MQTT_HINT },
    };
    return { operators: builtinOperators, host };
  }

  /** The sandbox and the organisation's models, for tests and diffs (nothing is stored or sent there). */
  testRunners(orgId: string): { scriptRunner: ScriptRunner; modelRunner: ModelRunner } {
    return { scriptRunner: this.d.scriptRunner(orgId), modelRunner: this.d.modelRunner(orgId) };
  }

  /** Committed points of one organisation: queue them for each of its running pipelines (never blocks, never throws). */
  accept(orgId: string, points: readonly Point[]): void {
    for (const r of this.running.values()) if (r.orgId === orgId) r.feed.offer(points);
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
      const nodes = r.live.current.stats();
      for (const [id, c] of Object.entries(r.sinks.nodeStats())) if (nodes[id]) Object.assign(nodes[id], c);
      out[r.pipelineId] = { version: r.version, ...r.feed.stats(), nodes };
    }
    return out;
  }

  /** Resolves when every queue is empty (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.feed.idle()));
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    const all = [...this.running.values()];
    this.running.clear();
    for (const r of all) await this.finish(r);
    // After the last flush, so windows emitted at shutdown still reach the broker.
    await this.outputs.mqtt?.publisher.close();
  }

  private async run(orgId: string, pipelineId: string, version: number, doc: unknown): Promise<string[]> {
    const r = this.running.get(key(orgId, pipelineId));
    if (!r) {
      const sinks = hubSinks(this.d.store, orgId, pipelineId, this.d.now, this.d.logger, this.outputs);
      const live = await LivePipeline.start(doc as PipelineDocument, this.compileOptions(orgId, sinks)).catch(async (e: unknown) => { await sinks.close(); throw e; });
      const log = { orgId, pipeline: pipelineId };
      const feed = new BoundedFeed(live, {
        maxQueuedPoints: this.d.limits.maxQueuedPoints,
        prepare: (batch) => this.types.load(orgId, batch),
        onOverload: (s) => this.d.logger.warn({ ...log, ...s }, `pipeline ${pipelineId} is behind: ${s.queuedPoints} points queued (limit ${this.d.limits.maxQueuedPoints}); batches are dropped and counted until it catches up`),
        onError: (e) => this.d.logger.error({ ...log, err: e }, `pipeline ${pipelineId} failed on a batch`),
      });
      this.running.set(key(orgId, pipelineId), { orgId, pipelineId, version, live, feed, sinks });
      return [];
    }
    // Hot swap after the batch in flight; nodes that did not change keep their windows.
    const old = r.live.current;
    const kept = await r.live.replace(doc);
    old.dispose(new Set(r.live.current.nodes.map((n) => n.instance)));
    r.version = version;
    return kept;
  }

  private async finish(r: Running): Promise<void> {
    await r.feed.idle();
    await r.live.flush().catch((e: unknown) => this.d.logger.error({ err: e, pipeline: r.pipelineId }, 'pipeline flush failed'));
    r.live.current.dispose();
    await r.sinks.close();
  }

  private tick(): void {
    for (const r of this.running.values()) void r.live.tick(this.d.now()).catch((e: unknown) => this.d.logger.error({ err: e, pipeline: r.pipelineId }, 'pipeline tick failed'));
    void this.d.store.pipelineOutputs.trim(this.d.now() - this.d.limits.outputRetentionMs, 5000)
      .catch((e: unknown) => this.d.logger.error({ err: e }, 'trimming pipeline outputs failed'));
    void this.d.store.pipelineExports.expire(this.d.now(), 5000)
      .catch((e: unknown) => this.d.logger.error({ err: e }, 'expiring pipeline outbox items failed'));
  }
}

/** Outputs from the hub.pipelines config: a publisher when a broker URL is set (it connects on first use). */
export function hubOutputs(cfg: HubConfig['pipelines'], logger: Logger | undefined): HubOutputs {
  const url = cfg.mqtt.url;
  return {
    mqtt: url !== undefined && logger ? { publisher: new MqttPublisher({ ...cfg.mqtt, url }, logger), topicPrefix: cfg.mqtt.topicPrefix } : undefined,
    outbox: { maxBytes: Math.round(cfg.outbox.maxSizeMb * 1024 * 1024), ttlMs: cfg.outbox.ttlMs },
  };
}
