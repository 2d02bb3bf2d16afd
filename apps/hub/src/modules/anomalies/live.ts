import { sql } from 'kysely';
import type { Point } from '@outpost/contract';
import { detectorFromArtifact, type Detector, type ModelArtifact } from '@outpost/ml';
import type { HubStore } from '@outpost/storage/hub/index';
import type { PointFeed } from '../../core/point-feed.js';
import type { MlDb } from '../training/db.js';
import { ModelRepo } from '../training/models.js';
import { AnomalyRepo, type AnomalyScore } from './repo.js';

/** Live scores below this are not stored: a row per ingested sample would double the write load. */
export const LIVE_STORE_MIN = 0.2;
/** Detector streams (model × device × metric) one hub process keeps; new streams past it are not scored. */
export const MAX_LIVE_STREAMS = 100_000;
/** Detector state one hub process keeps (novelty needs ≈ 180 KiB per stream); past it new streams are not scored. */
export const MAX_LIVE_BYTES = 256 * 1024 * 1024;
/** Points waiting to be scored; past it the oldest batches are dropped (and counted). */
export const MAX_QUEUED_POINTS = 200_000;
/** A device's type is looked up again after this long (a device can change type). */
const DEVICE_TYPE_TTL_MS = 60_000;
/** Rules are read again after this long, so a deploy through another hub process takes effect here too. */
const RULES_TTL_MS = 10_000;

/** Bounds of one hub process's live scoring (defaults above; tests lower them). */
export interface LiveLimits { maxStreams: number; maxBytes: number; maxQueued: number }

export interface LiveTarget { kind: 'device' | 'device_type'; id: string }
interface Rule { model: string; version: number; target: LiveTarget; metrics: Set<string> }

/** Records that the hub scores `metrics` of `targets` with `model@version` (replacing the model's earlier version per target). */
export async function setLiveScoring(db: MlDb, orgId: string, m: { name: string; version: number }, targets: readonly LiveTarget[], metrics: readonly string[], at: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const t of targets) {
      await trx.insertInto('ml_live_scoring').values({ org_id: orgId, model: m.name, version: m.version, target_kind: t.kind, target_id: t.id, metrics: JSON.stringify([...metrics]), created_at: at })
        .onConflict((oc) => oc.columns(['org_id', 'model', 'target_kind', 'target_id']).doUpdateSet({ version: sql`excluded.version`, metrics: sql`excluded.metrics`, created_at: sql`excluded.created_at` }))
        .execute();
    }
  });
  scorers.get(db)?.invalidate(orgId);
}

async function loadRules(db: MlDb, orgId: string): Promise<Rule[]> {
  const rows = await db.selectFrom('ml_live_scoring').selectAll().where('org_id', '=', orgId).execute();
  return rows.map((r) => ({ model: r.model, version: Number(r.version), target: { kind: r.target_kind as LiveTarget['kind'], id: r.target_id }, metrics: new Set(JSON.parse(r.metrics) as string[]) }));
}

/** The scorer attached to a database, so a deploy in another module can tell it its rules changed. */
const scorers = new WeakMap<MlDb, LiveScorer>();

/**
 * Scores points as the hub stores them, with the model versions deployed to their device (or its
 * device type) for that metric, and stores the scores in `anomaly_scores` (GET /v1/anomalies).
 * The stored-points feed calls in synchronously; the work runs on one async queue, in batch order,
 * so a stream sees its samples in time order. One detector per (model version, device, metric).
 */
export class LiveScorer {
  private readonly rules = new Map<string, { at: number; rules: Promise<Rule[]> }>();
  private readonly deviceTypes = new Map<string, { typeId: string | null; at: number }>();
  private readonly detectors = new Map<string, Detector>();
  private readonly artifacts = new Map<string, Promise<ModelArtifact>>();
  private readonly queue: Array<{ orgId: string; points: readonly Point[] }> = [];
  private queued = 0;
  private running: Promise<void> | null = null;
  /** Detector state in bytes, summed when the rules are re-read (every 10 s); states grow as they fill. */
  private stateBytes = 0;
  private readonly models: ModelRepo;
  private readonly scores: AnomalyRepo;
  /** Counters for logs and tests. */
  readonly stats = { scored: 0, stored: 0, droppedPoints: 0, unscoredPoints: 0 };

  private readonly limits: LiveLimits;

  constructor(private readonly db: MlDb, private readonly store: HubStore, private readonly now: () => number, private readonly log: { warn(o: object, m: string): void; error(o: object, m: string): void },
    limits: Partial<LiveLimits> = {}) {
    this.limits = { maxStreams: MAX_LIVE_STREAMS, maxBytes: MAX_LIVE_BYTES, maxQueued: MAX_QUEUED_POINTS, ...limits };
    this.models = new ModelRepo(db);
    this.scores = new AnomalyRepo(db);
    scorers.set(db, this);
  }

  attach(feed: PointFeed): () => void {
    // Uplinked points carry the gateway's local names; score them as the hub stores them
    // (device = the gateway, metric = `<device>/<metric>`), which is what GET /v1/anomalies asks for.
    return feed.on((orgId, points, origin) => this.enqueue(orgId, origin ? points.map((p) => ({ ...p, device: origin.gateway, metric: `${p.device}/${p.metric}` })) : points));
  }

  invalidate(orgId: string): void { this.rules.delete(orgId); }

  /** Resolves when everything queued so far is scored and stored. */
  async idle(): Promise<void> { while (this.running) await this.running; }

  private enqueue(orgId: string, points: readonly Point[]): void {
    this.queue.push({ orgId, points });
    this.queued += points.length;
    while (this.queued > this.limits.maxQueued && this.queue.length > 1) {
      const dropped = this.queue.shift()!;
      this.queued -= dropped.points.length;
      this.stats.droppedPoints += dropped.points.length;
      this.log.warn({ orgId: dropped.orgId, points: dropped.points.length }, 'live anomaly scoring is behind; dropped the oldest batch');
    }
    this.running ??= this.drain().finally(() => { this.running = null; });
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      this.queued -= next.points.length;
      try { await this.scoreBatch(next.orgId, next.points); } catch (err) { this.log.error({ err, orgId: next.orgId }, 'live anomaly scoring failed for a batch'); }
    }
  }

  private async scoreBatch(orgId: string, points: readonly Point[]): Promise<void> {
    let cached = this.rules.get(orgId);
    if (!cached || this.now() - cached.at >= RULES_TTL_MS) {
      cached = { at: this.now(), rules: loadRules(this.db, orgId) };
      this.rules.set(orgId, cached);
      this.prune(orgId, await cached.rules);
    }
    const active = await cached.rules;
    if (active.length === 0) return;
    // Points of one batch may arrive out of order; detectors reject time regressions, so sort.
    const sorted = [...points].sort((a, b) => a.ts - b.ts);
    const out: AnomalyScore[] = [];
    for (const p of sorted) {
      if (!active.some((r) => r.metrics.has(p.metric))) continue;
      const typeId = await this.deviceType(orgId, p.device);
      for (const r of active) {
        if (!r.metrics.has(p.metric) || !(r.target.kind === 'device' ? r.target.id === p.device : r.target.id === typeId)) continue;
        const d = await this.detector(orgId, r, p);
        if (!d) continue;
        const s = d.update(p.ts, typeof p.value === 'number' ? p.value : null);
        this.stats.scored++;
        if (s && s.score >= LIVE_STORE_MIN) out.push({ device: p.device, metric: p.metric, ts: p.ts, score: s.score, label: s.label, explanation: s.explanation, model: `${r.model}@${r.version}` });
      }
    }
    if (out.length > 0) this.stats.stored += await this.scores.write(orgId, out, this.now());
  }

  /** Drops the detectors of model versions no longer deployed in this organisation. */
  private prune(orgId: string, active: readonly Rule[]): void {
    const live = new Set(active.map((r) => `${orgId}\u0000${r.model}@${r.version}\u0000`));
    for (const key of this.detectors.keys()) {
      if (!key.startsWith(`${orgId}\u0000`)) continue;
      const model = key.slice(0, key.indexOf('\u0000', orgId.length + 1) + 1);
      if (!live.has(model)) this.detectors.delete(key);
    }
    this.stateBytes = 0;
    for (const d of this.detectors.values()) this.stateBytes += d.stateBytes();
    for (const key of this.artifacts.keys()) if (key.startsWith(`${orgId}\u0000`) && !live.has(`${key}\u0000`)) this.artifacts.delete(key);
  }

  private async deviceType(orgId: string, deviceId: string): Promise<string | null> {
    const key = `${orgId}\u0000${deviceId}`;
    const hit = this.deviceTypes.get(key);
    const now = this.now();
    if (hit && now - hit.at < DEVICE_TYPE_TTL_MS) return hit.typeId;
    const typeId = (await this.store.fleet.getDevice(orgId, deviceId))?.typeId ?? null;
    this.deviceTypes.set(key, { typeId, at: now });
    return typeId;
  }

  private async detector(orgId: string, r: Rule, p: Point): Promise<Detector | null> {
    const key = `${orgId}\u0000${r.model}@${r.version}\u0000${p.device}\u0000${p.metric}`;
    let d = this.detectors.get(key);
    if (d) return d;
    if (this.detectors.size >= this.limits.maxStreams || this.stateBytes >= this.limits.maxBytes) {
      if (this.stats.unscoredPoints++ === 0) this.log.warn({ ...this.limits, streams: this.detectors.size, bytes: this.stateBytes }, 'live anomaly scoring: stream or memory limit reached; new streams are not scored');
      return null;
    }
    const akey = `${orgId}\u0000${r.model}@${r.version}`;
    let artifact = this.artifacts.get(akey);
    if (!artifact) {
      artifact = this.models.get(orgId, r.model, r.version).then((m) => m.artifact);
      this.artifacts.set(akey, artifact);
    }
    try {
      d = detectorFromArtifact(await artifact);
    } catch (err) {
      // A version deleted or unreadable: not scored; the next rule change retries.
      this.artifacts.delete(akey);
      this.log.error({ err, orgId, model: `${r.model}@${r.version}` }, 'live anomaly scoring: model version not usable');
      return null;
    }
    this.detectors.set(key, d);
    return d;
  }
}
