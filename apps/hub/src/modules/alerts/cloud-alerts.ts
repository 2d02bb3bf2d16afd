import { randomUUID } from 'node:crypto';
import type { Logger, Point } from '@outpost/contract';
import { AlertEngine, MemoryAlertStore, type AlertChange, type AlertRecord, type DeliveryEntry } from '@outpost/alerts';
import type { Actor, AlertSnapshot, HubAlert, HubStore } from '@outpost/storage/hub/index';
import { CloudAlertWriter } from './cloud-writer.js';

/** How often time-driven checks (missing data, for-durations, dwell) run on the hub. */
const TICK_MS = 1000;
/** How often an organisation's stored rule-set version is compared with the running one (another hub process may have stored a new one). */
const RECHECK_MS = 10_000;

interface OrgEngine {
  engine: AlertEngine;
  version: number;
  /** The engine's alert id → the hub's alert id (`cloud-<uuid>`). */
  ids: Map<number, string>;
}

const snapshotOf = (a: AlertRecord): AlertSnapshot => ({
  rule: a.rule, key: a.key, device: a.device, severity: a.severity, state: a.state, message: a.message, value: a.value,
  points: a.points, raisedAt: a.raisedAt, ackedAt: a.ackedAt, ackedBy: a.ackedBy, clearedAt: a.clearedAt, clearMessage: a.clearMessage,
});

/**
 * Cloud-side alert rules: one AlertEngine per organisation (the same packages/alerts engine the
 * gateway runs, placed `cloud`: it evaluates rules marked `cloud` or `both`) fed with the points
 * the hub commits. Open alerts live in the engine's memory; every lifecycle change and every
 * action attempt is written to the hub store in order, and open alerts are re-seeded from it
 * when an engine is (re)built. Evaluation never waits for those writes.
 */
export class CloudAlerts {
  private readonly engines = new Map<string, Promise<OrgEngine | undefined>>();
  private readonly checkedAt = new Map<string, number>();
  private readonly writer: CloudAlertWriter;
  private stopped = false;

  constructor(private readonly store: HubStore, private readonly now: () => number, private readonly log: Logger) {
    this.writer = new CloudAlertWriter(store, log);
  }

  /** Evaluate points an organisation's ingest just committed. */
  onPoints(orgId: string, points: readonly Point[]): void {
    if (this.stopped) return;
    const fresh = this.recheck(orgId);
    void fresh.then(() => this.engineOf(orgId)).then((e) => { e?.engine.process(points); }).catch((err: unknown) => this.log.error({ err, orgId }, 'cloud alert evaluation failed'));
  }

  /** At most every RECHECK_MS per organisation: reload when the stored rule set is not the one running. */
  private async recheck(orgId: string): Promise<void> {
    const now = this.now();
    const last = this.checkedAt.get(orgId);
    if (last === undefined) { this.checkedAt.set(orgId, now); return; }
    if (now - last < RECHECK_MS) return;
    this.checkedAt.set(orgId, now);
    const [stored, running] = await Promise.all([this.store.alerts.rules(orgId), this.engines.get(orgId)?.catch(() => undefined)]);
    if ((stored?.version ?? 0) !== (running?.version ?? 0)) await this.reload(orgId);
  }

  /** Check a rule set the way the engine will run it; throws ERR_CONFIG_INVALID naming `rules[i]…`. */
  static validate(rules: readonly unknown[]): { evaluated: number; edgeOnly: string[] } {
    const e = new AlertEngine({ rules, rulesPath: 'rules', place: 'cloud', lifecycle: new MemoryAlertStore(), deliveries: { record() {} } });
    e.stop();
    return { evaluated: e.stats().rules, edgeOnly: e.elsewhere };
  }

  /** A new rule set was stored: rebuild the organisation's engine (open alerts carry over through the store). */
  async reload(orgId: string): Promise<void> {
    const old = await this.engines.get(orgId)?.catch(() => undefined);
    old?.engine.stop();
    await this.flushed();
    this.engines.delete(orgId);
    await this.engineOf(orgId);
  }

  /** Resolves once every change and delivery so far is in the store. */
  flushed(): Promise<void> { return this.writer.flushed(); }

  /**
   * Acknowledge or clear from the API. A cloud alert open in a running engine changes there (so
   * a cleared alert can be raised again by its rule); anything else changes in the store only.
   */
  async transition(actor: Actor, alert: HubAlert, to: 'acknowledged' | 'cleared', text: string): Promise<HubAlert> {
    const e = alert.source === 'cloud' ? await this.engines.get(actor.orgId)?.catch(() => undefined) : undefined;
    const engineId = e ? [...e.ids].find(([, hubId]) => hubId === alert.id)?.[0] : undefined;
    const live = e !== undefined && engineId !== undefined && e.engine.store.get(engineId) !== undefined;
    // The store answers for anything not live, and words the refusals (already acknowledged or cleared).
    if (!live || (to === 'acknowledged' && alert.state === 'acknowledged')) return this.store.alerts.transition(actor, alert.id, to, text, this.now());
    if (to === 'acknowledged') e!.engine.acknowledge(engineId!, text);
    else e!.engine.clear(engineId!, text);
    await this.flushed();
    await this.store.alerts.audit(actor, alert.id, to === 'acknowledged' ? 'acknowledge' : 'clear', alert.state, this.now());
    return (await this.store.alerts.get(actor.orgId, alert.id))!;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const p of this.engines.values()) (await p.catch(() => undefined))?.engine.stop();
    await this.flushed();
  }

  private engineOf(orgId: string): Promise<OrgEngine | undefined> {
    let p = this.engines.get(orgId);
    if (!p) {
      p = this.build(orgId);
      this.engines.set(orgId, p);
      // A failed build is retried at the next batch rather than cached.
      p.catch(() => this.engines.delete(orgId));
    }
    return p;
  }

  private async build(orgId: string): Promise<OrgEngine | undefined> {
    const set = await this.store.alerts.rules(orgId);
    if (!set || set.rules.length === 0) return undefined;
    const open = await this.store.alerts.list(orgId, { state: 'open', source: 'cloud', limit: 10_000 });
    const lifecycle = new MemoryAlertStore(open.map(seedOf));
    const ids = new Map<number, string>();
    const byKey = new Map(open.map((a) => [`${a.rule}\u0000${a.key}`, a.id]));
    for (const rec of lifecycle.query({ state: 'open', limit: 10_000 })) ids.set(rec.id, byKey.get(`${rec.rule}\u0000${rec.key}`)!);
    const org: OrgEngine = { version: set.version, ids, engine: undefined as unknown as AlertEngine };
    org.engine = new AlertEngine({
      rules: set.rules, rulesPath: `alert rule set ${set.version}: rules`, place: 'cloud', now: this.now, logger: this.log, lifecycle,
      deliveries: { record: (d) => this.recordDelivery(orgId, org, d) },
      onChanges: (changes) => this.persist(orgId, org, changes),
    });
    org.engine.start(TICK_MS);
    return org;
  }

  private persist(orgId: string, org: OrgEngine, changes: readonly AlertChange[]): void {
    for (const c of changes) {
      let id = org.ids.get(c.alert.id);
      if (id === undefined) { id = `cloud-${randomUUID()}`; org.ids.set(c.alert.id, id); }
      if (org.ids.size > 10_000) for (const k of org.ids.keys()) if (!org.engine.store.get(k) && k !== c.alert.id) org.ids.delete(k);
      this.writer.alert(orgId, id, snapshotOf(c.alert), c.at);
    }
  }

  private recordDelivery(orgId: string, org: OrgEngine, d: DeliveryEntry): void {
    const alertId = org.ids.get(d.alertId) ?? `cloud-engine-${d.alertId}`;
    this.writer.delivery(orgId, { alertId, rule: d.rule, action: d.action, target: d.target, attempt: d.attempt, outcome: d.outcome, status: d.status ?? null, detail: d.detail ?? null, at: d.at });
  }
}

/** A stored open alert as a MemoryAlertStore seed. */
function seedOf(a: HubAlert): Omit<AlertRecord, 'id'> {
  return {
    rule: a.rule, key: a.key, device: a.device, severity: a.severity as AlertRecord['severity'], state: a.state, message: a.message, value: a.value,
    points: a.points as Point[], raisedAt: a.raisedAt, ackedAt: a.ackedAt, ackedBy: a.ackedBy, clearedAt: a.clearedAt, clearMessage: a.clearMessage,
  };
}
