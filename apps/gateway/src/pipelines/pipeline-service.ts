import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OutpostError, isOutpostError, type Logger, type Point } from '@outpost/contract';
import type { GatewayConfig } from '@outpost/config';
import { BoundedFeed, LivePipeline, checkPipeline, compilePipelineAsync, pipelineError, type CompileOptions, type EngineHost, type FeedStats, type PipelineDocument } from '@outpost/engine';
import { builtinOperators } from '@outpost/operators';
import { createEngineScriptRunner, ProcessorRegistry } from '@outpost/sandbox';
import { loadInstalledProcessors } from '../processors/installed.js';
import type { GatewayStore } from '@outpost/storage';
import type { Uplink } from '@outpost/uplink';
import { createFileModelRunner, type FileModelRunner } from './model-runner.js';
import { createGatewaySinks, type GatewaySinkDeps, type GatewaySinks } from './sinks.js';
import { PipelineVersionStore, type StoredVersion } from './version-store.js';

export interface PipelineServiceStats {
  /** Per running pipeline: its version, queue counters (`droppedPoints`: backpressure) and per-node counters (`keyLimit`, `late`, …). */
  active: Record<string, { version: number; nodes: Record<string, Record<string, number>> } & FeedStats>;
  sinks: ReturnType<GatewaySinks['stats']>;
}

export interface PipelineService {
  readonly versions: PipelineVersionStore;
  /** Compile options for tests and checks (same operators and runners as live, no sinks). */
  readonly testOptions: Pick<CompileOptions, 'operators'> & Pick<EngineHost, 'scriptRunner' | 'modelRunner'>;
  /** Processors deployed from the hub, for `script` nodes that name one (docs/sandbox.md); `since`: when it started counting usage. */
  readonly processors: ProcessorRegistry;
  readonly processorsSince: number;
  /** The model nodes' runner: ONNX usage for the heartbeat, preloading installed model versions. */
  readonly models: FileModelRunner;
  /** Validate and save a new version (400 with every problem and its node id when it does not compile here). */
  save(doc: unknown, note?: string): Promise<{ version: StoredVersion; created: boolean }>;
  /** Make `version` the running one: hot swap when the pipeline runs (windows of unchanged nodes kept), else start it. */
  activate(pipelineId: string, version: number, reason?: string): Promise<{ version: number; keptState: string[] }>;
  /** Re-point to the version active before (or `toVersion`). */
  rollback(pipelineId: string, toVersion?: number): Promise<{ version: number; keptState: string[] }>;
  deactivate(pipelineId: string): Promise<void>;
  /**
   * Offer committed points to every running pipeline's bounded queue (never blocks the caller: a
   * pipeline that is behind drops the batch and counts it). Resolves when the queues are empty.
   */
  process(points: readonly Point[]): Promise<void>;
  stats(): PipelineServiceStats;
  stop(): Promise<void>;
}

export interface PipelineServiceDeps {
  logger: Logger;
  now: () => number;
  uplink?: Uplink | undefined;
  rollups?: GatewaySinkDeps['rollups'];
  mqttBroker?: GatewaySinkDeps['mqttBroker'];
  alertSink?: GatewaySinkDeps['alertSink'];
}

/**
 * Pipelines on the gateway: versions in SQLite, one LivePipeline per active pipeline fed with
 * committed points, host sinks into the store / uplink / MQTT / webhooks / alerts / dead letters.
 * The files in `gateway.pipelines.files` are saved (when changed) and activated at start-up.
 */
export async function startPipelines(config: GatewayConfig, store: GatewayStore, deps: PipelineServiceDeps): Promise<PipelineService> {
  const c = config.pipelines;
  const versions = new PipelineVersionStore(store, deps.now);
  const sinks = createGatewaySinks({ store, rollups: deps.rollups, uplink: deps.uplink, mqttBroker: deps.mqttBroker, alertSink: deps.alertSink, webhookTimeoutMs: c.webhookTimeoutMs, logger: deps.logger, now: deps.now });
  // Deployed processors are loaded before any pipeline compiles, so nodes that name one find it.
  const processors = new ProcessorRegistry({ trustedKeys: [] });
  const processorsSince = deps.now();
  await loadInstalledProcessors(processors, config.dataDir, deps.logger);
  const scriptRunner = createEngineScriptRunner({ processors });
  const modelRunner = createFileModelRunner(resolve(c.modelsDir ?? join(config.dataDir, 'models')), c.maxKeysPerNode);
  const host: EngineHost = {
    clock: { now: deps.now }, logger: deps.logger, sinks: sinks.sinks, scriptRunner, modelRunner, limits: { maxKeysPerNode: c.maxKeysPerNode },
    missingSinkHints: { outbox: 'set gateway.uplink.enabled: true (and gateway.uplink.url)', mqtt: 'set gateway.mqtt.mode to embedded or client' },
  };
  const compileOpts: CompileOptions = { operators: builtinOperators, host };
  const running = new Map<string, { live: LivePipeline; version: number; feed: BoundedFeed }>();
  const run = (pipelineId: string, version: number, live: LivePipeline) => {
    const feed = new BoundedFeed(live, {
      maxQueuedPoints: c.maxQueuedPoints,
      onOverload: (s) => deps.logger.warn({ pipeline: pipelineId, ...s }, `pipeline ${pipelineId} is behind: ${s.queuedPoints} points queued (gateway.pipelines.maxQueuedPoints ${c.maxQueuedPoints}); batches are dropped and counted until it catches up`),
      onError: (e) => deps.logger.error({ err: e, pipeline: pipelineId }, `pipeline ${pipelineId} failed on a batch`),
    });
    running.set(pipelineId, { live, version, feed });
  };

  // Full compile, async setup included (a script that does not start, a model artifact that is
  // missing), so a saved version is one that can run here; then the instances are let go.
  const check = async (doc: unknown) => {
    const issues = checkPipeline(doc, compileOpts);
    if (issues.length > 0) throw pipelineError(doc, issues);
    (await compilePipelineAsync(doc, compileOpts)).dispose();
    return doc as PipelineDocument;
  };

  const activate = async (pipelineId: string, version: number, reason = 'activate') => {
    const v = versions.get(pipelineId, version);
    const r = running.get(pipelineId);
    let keptState: string[] = [];
    if (r) {
      const old = r.live.current;
      keptState = await r.live.replace(v.doc); // throws (old one keeps running) when it does not compile
      // Release what the new version did not take over (script sandboxes, models).
      old.dispose(new Set(r.live.current.nodes.map((n) => n.instance)));
      r.version = version;
    } else {
      run(pipelineId, version, await LivePipeline.start(v.doc, compileOpts));
    }
    versions.recordActivation(pipelineId, version, reason);
    deps.logger.info({ pipeline: pipelineId, version, keptState }, `pipeline ${pipelineId} v${version} active`);
    return { version, keptState };
  };

  // Pipelines from config files first (content never saved before is a new version and becomes
  // active; an unchanged file leaves an API activation or rollback in place), then whatever was
  // active before the restart.
  for (const file of c.files) {
    const path = resolve(file);
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new OutpostError('ERR_CONFIG_INVALID', `gateway.pipelines.files: cannot read pipeline document ${path}: ${(e as Error).message}`, { file: path });
    }
    try {
      const { version, created } = versions.save(await check(doc), `from ${path}`, true);
      if (created || versions.activeVersion(version.pipelineId) === null) await activate(version.pipelineId, version.version, `file ${path}`);
    } catch (e) {
      if (isOutpostError(e)) throw new OutpostError(e.code, `gateway.pipelines.files: ${path}: ${e.message}`, { file: path, ...e.details });
      throw e;
    }
  }
  for (const v of versions.active()) {
    if (running.has(v.pipelineId)) continue;
    try {
      run(v.pipelineId, v.version, await LivePipeline.start(v.doc, compileOpts));
    } catch (e) {
      deps.logger.error({ err: e, pipeline: v.pipelineId, version: v.version }, `pipeline ${v.pipelineId} v${v.version} does not compile on this gateway; not started`);
    }
  }

  const ticker = setInterval(() => {
    for (const r of running.values()) void r.live.tick(deps.now()).catch((e: unknown) => deps.logger.error({ err: e }, 'pipeline tick failed'));
    trimLocalTables();
  }, c.tickIntervalMs);
  ticker.unref();
  // Outputs of store nodes and alert events kept locally follow the raw retention, a bounded delete per tick.
  const trimOutputs = store.db.prepare('DELETE FROM pipeline_outputs WHERE id IN (SELECT id FROM pipeline_outputs WHERE at < ? ORDER BY id LIMIT 5000)');
  const trimAlerts = store.db.prepare('DELETE FROM pipeline_alerts WHERE id IN (SELECT id FROM pipeline_alerts WHERE at < ? ORDER BY id LIMIT 5000)');
  const trimLocalTables = () => {
    if (store.isClosed) return;
    const cutoff = deps.now() - config.store.retentionRawDays * 86_400_000;
    try {
      trimOutputs.run(cutoff);
      trimAlerts.run(cutoff);
    } catch (e) {
      deps.logger.error({ err: e }, 'trimming pipeline outputs failed');
    }
  };

  return {
    versions,
    testOptions: { operators: builtinOperators, scriptRunner, modelRunner },
    processors,
    processorsSince,
    models: modelRunner,
    save: async (doc, note) => versions.save(await check(doc), note),
    activate,
    async rollback(pipelineId, toVersion) {
      const target = toVersion ?? versions.previousVersion(pipelineId);
      if (target === undefined) throw new OutpostError('ERR_PIPELINE_VERSION', `pipeline '${pipelineId}' has no earlier active version to roll back to`, { pipelineId });
      return activate(pipelineId, target, 'rollback');
    },
    async deactivate(pipelineId) {
      const r = running.get(pipelineId);
      if (!r) throw new OutpostError('ERR_PIPELINE_VERSION', `pipeline '${pipelineId}' is not active`, { pipelineId });
      running.delete(pipelineId);
      await r.feed.idle();
      await r.live.flush().catch(() => undefined);
      r.live.current.dispose();
      versions.recordActivation(pipelineId, null, 'deactivate');
    },
    async process(points) {
      const feeds = [...running.values()].map((r) => r.feed);
      for (const f of feeds) f.offer(points);
      await Promise.all(feeds.map((f) => f.idle()));
    },
    stats: () => ({
      active: Object.fromEntries([...running.entries()].map(([id, r]) => [id, { version: r.version, ...r.feed.stats(), nodes: r.live.current.stats() }])),
      sinks: sinks.stats(),
    }),
    async stop() {
      clearInterval(ticker);
      // Emit open windows so their partial results reach the sinks before the store closes.
      for (const r of running.values()) {
        await r.feed.idle();
        await r.live.flush().catch((e: unknown) => deps.logger.error({ err: e }, 'pipeline flush failed'));
        r.live.current.dispose();
      }
      running.clear();
      await sinks.close();
    },
  };
}
