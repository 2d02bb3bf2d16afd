import { randomUUID } from 'node:crypto';
import { OutpostError } from '@outpost/contract';
import type { Actor, HubStore } from '@outpost/storage/hub/index';
import { setLiveScoring } from '../anomalies/live.js';
import type { MlDb } from './db.js';

/** The metrics a model version scores: given with the deploy, else those its training job used. */
async function scoredMetrics(db: MlDb, orgId: string, m: { name: string; version: number }, given: readonly string[] | undefined): Promise<string[]> {
  if (given) return [...new Set(given)];
  const row = await db.selectFrom('ml_models').innerJoin('ml_training_jobs', 'ml_training_jobs.id', 'ml_models.job_id').select('ml_training_jobs.request')
    .where('ml_models.org_id', '=', orgId).where('ml_models.name', '=', m.name).where('ml_models.version', '=', m.version).executeTakeFirst();
  const metrics = row ? (JSON.parse(row.request) as { metrics?: unknown }).metrics : undefined;
  return Array.isArray(metrics) ? metrics.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Assigns a model version to devices or a device type through the hub's assignments (one per
 * target and model name; deploying another version re-points it, which is also the rollback).
 * Gateways receive their assignments in the heartbeat; a pipeline's `model` node names the model
 * and DetectorModelRunner resolves the assigned version's artifact
 * (GET /v1/models/:name/versions/:version). The hub also scores the targets' ingested points of
 * the model's metrics with it (anomalies/live.ts); `metrics: []` turns that off.
 */
export async function deployModel(store: HubStore, db: MlDb, actor: Actor, m: { name: string; version: number }, to: { devices?: string[]; deviceType?: string; metrics?: string[] }, at: number) {
  if ((to.devices === undefined) === (to.deviceType === undefined)) throw new OutpostError('ERR_HUB_INVALID', 'give exactly one of devices (device ids) or deviceType (a device type id)');
  const targets = to.devices ? [...new Set(to.devices)].map((id) => ({ kind: 'device' as const, id })) : [{ kind: 'device_type' as const, id: to.deviceType! }];
  // Check every target first so a bad id in the list assigns nothing.
  for (const t of targets) {
    const found = t.kind === 'device' ? await store.fleet.getDevice(actor.orgId, t.id) : await store.fleet.getDeviceType(actor.orgId, t.id);
    if (!found) throw new OutpostError('ERR_HUB_NOT_FOUND', `${t.kind === 'device' ? 'device' : 'device type'} ${t.id} not found`);
  }
  const out: Array<{ assignmentId: string; targetKind: string; targetId: string }> = [];
  for (const t of targets) {
    const a = await store.assignments.assign(actor, { id: randomUUID(), targetKind: t.kind, targetId: t.id, artifactKind: 'model', name: m.name, version: String(m.version) }, at);
    out.push({ assignmentId: a.id, targetKind: t.kind, targetId: t.id });
  }
  const metrics = await scoredMetrics(db, actor.orgId, m, to.metrics);
  await setLiveScoring(db, actor.orgId, m, targets, metrics, at);
  return { model: m, assignments: out, hubScoring: { metrics } };
}
