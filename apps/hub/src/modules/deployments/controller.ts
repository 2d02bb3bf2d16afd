import { randomUUID } from 'node:crypto';
import { OutpostError } from '@outpost/contract';
import type { Actor, HubStore, Rollout } from '@outpost/storage/hub/index';
import type { CreateBody, GatesT, StrategyT } from './schemas.js';
import { resolveTarget } from './target.js';
import { planBatches } from './plan.js';
import { evaluate } from './evaluate.js';

type Action = 'start' | 'pause' | 'resume' | 'cancel' | 'rollback';
const ALLOWED: Record<Action, readonly Rollout['state'][]> = {
  start: ['created'], pause: ['running'], resume: ['paused'], cancel: ['created', 'running', 'paused'], rollback: ['running', 'paused', 'completed', 'cancelled'],
};

/**
 * Runs deployments: creates them (target → devices → batches), applies start/pause/resume/cancel/
 * rollback, and on every tick moves each running deployment on (timeouts, gates, next batch).
 * All state is in the store, so a restarted hub carries on where it stopped.
 */
export class DeploymentController {
  private ticking = false;
  constructor(private readonly store: HubStore, private readonly now: () => number, private readonly changed: () => void) {}

  async create(actor: Actor, b: CreateBody): Promise<Rollout> {
    const { kind, name, version } = b.artifact;
    await this.store.artifacts.get(actor.orgId, kind, name, version, 'ERR_DEPLOYMENT_INVALID');
    const strategy: StrategyT = b.strategy ?? { kind: 'immediate' };
    if (strategy.kind === 'ab') await this.store.artifacts.get(actor.orgId, kind, name, strategy.versionB, 'ERR_DEPLOYMENT_INVALID');
    const devices = await resolveTarget(this.store, actor.orgId, b.target);
    const id = randomUUID();
    // Staged strategies without gates would never stop: by default one failure halts them.
    const gates = b.gates ?? (strategy.kind === 'immediate' || strategy.kind === 'ab' ? {} : { maxFailures: 0 });
    const r = await this.store.rollouts.create(actor, {
      id, name: b.name ?? `${kind} ${name}@${version}`, artifactKind: kind as Rollout['artifactKind'], artifactName: name, version,
      versionB: strategy.kind === 'ab' ? strategy.versionB : null, target: b.target, strategy, gates, onGate: b.onGate ?? 'rollback',
      deviceTimeoutS: b.deviceTimeoutS ?? 900, healthS: b.healthS ?? 30,
    }, planBatches(id, devices, version, strategy), this.now());
    return b.start ? this.act(actor, r.id, 'start') : r;
  }

  async act(actor: Actor, id: string, action: Action): Promise<Rollout> {
    const r = await this.store.rollouts.get(actor.orgId, id);
    if (!ALLOWED[action].includes(r.state)) throw new OutpostError('ERR_DEPLOYMENT_STATE', `cannot ${action} deployment ${id}: it is ${r.state}; ${action} needs ${ALLOWED[action].join(' or ')}`);
    const at = this.now();
    let next: Rollout;
    switch (action) {
      case 'start': {
        const other = await this.store.rollouts.competing(r.orgId, r.artifactKind, r.artifactName, r.id);
        if (other) throw new OutpostError('ERR_DEPLOYMENT_STATE', `deployment ${other.id} of ${r.artifactKind} ${r.artifactName} is ${other.state}; finish, cancel or roll it back first`);
        await this.store.rollouts.release(r, 0, at);
        next = await this.store.rollouts.update(actor, r, { state: 'running', batch: 0, batchDoneAt: null, startedAt: at, reason: null }, at);
        break;
      }
      case 'pause': next = await this.store.rollouts.update(actor, r, { state: 'paused', reason: `paused by ${actor.id}` }, at); break;
      case 'resume':
        // Failures the operator accepted by resuming no longer count against the gates.
        next = await this.store.rollouts.update(actor, r, { state: 'running', reason: null, gates: { ...(r.gates as GatesT), fromBatch: r.batch + (r.batchDoneAt === null ? 0 : 1) } }, at);
        break;
      case 'cancel':
        await this.store.rollouts.skipUnreleased(r, at, 'deployment cancelled');
        next = await this.store.rollouts.update(actor, r, { state: 'cancelled', reason: `cancelled by ${actor.id}; released devices keep the version (roll back to undo)`, finishedAt: at }, at);
        break;
      case 'rollback':
        await this.store.rollouts.rollback(r, at, 'deployment rolled back');
        next = await this.store.rollouts.update(actor, r, { state: 'rolled_back', reason: `rolled back by ${actor.id}`, finishedAt: at }, at);
        break;
    }
    this.changed();
    return next;
  }

  /** Move every running deployment on; never overlaps itself. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const r of await this.store.rollouts.running()) await this.advance(r);
    } finally { this.ticking = false; }
  }

  private async advance(r: Rollout): Promise<void> {
    const at = this.now();
    const e = evaluate(r, await this.store.rollouts.devices(r.id), at);
    for (const [error, ids] of groupBy(e.fail)) await this.store.rollouts.markDevices(r.id, ids, 'failed', error, at);
    const s = e.step;
    if (s.kind === 'trip') {
      if (r.onGate === 'rollback') {
        await this.store.rollouts.rollback(r, at, s.reason);
        await this.store.rollouts.update(null, r, { state: 'rolled_back', reason: `${s.reason}; released devices were rolled back`, finishedAt: at }, at);
      } else {
        await this.store.rollouts.update(null, r, { state: 'paused', reason: `${s.reason}; paused (onGate: pause)` }, at);
      }
      this.changed();
    } else if (s.kind === 'batch_done') {
      await this.store.rollouts.update(null, r, { batchDoneAt: at }, at);
    } else if (s.kind === 'release') {
      await this.store.rollouts.release(r, s.batch, at);
      await this.store.rollouts.update(null, r, { batch: s.batch, batchDoneAt: null }, at);
      this.changed();
    } else if (s.kind === 'complete') {
      await this.store.rollouts.update(null, r, { state: 'completed', finishedAt: at }, at);
    }
  }
}

function groupBy(fails: Array<{ deviceId: string; error: string }>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const f of fails) m.set(f.error, [...(m.get(f.error) ?? []), f.deviceId]);
  return m;
}
