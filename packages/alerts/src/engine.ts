import type Database from 'better-sqlite3';
import { silentLogger, type Logger, type Point } from '@outpost/contract';
import { alarmLogExecutor } from './actions/alarm-log.js';
import { DeliveryLog, type DeliverySink } from './actions/delivery-log.js';
import { commandExecutor, modbusExecutor, mqttExecutor, webhookExecutor, type Executor, type MqttPublish } from './actions/executors.js';
import { ActionGate } from './actions/limiter.js';
import { ActionQueue, type ActionStats, type RetryPolicy } from './actions/runner.js';
import type { ActionSpec } from './actions/spec.js';
import { AlertStore, type AlertChange, type AlertQuery, type AlertRecord, type RunInTransaction } from './lifecycle/alert-store.js';
import type { AlertLifecycle } from './lifecycle/lifecycle.js';
import { compileRule, type CompiledRule } from './rules/rule.js';
import { invalid } from './rules/spec-errors.js';
import type { Severity, Transition } from './types.js';

export interface AlertEngineOptions {
  /** The gateway SQLite (migration 5 applied): GatewayStore.db. Without it, `lifecycle` and `deliveries` are required and `log` actions are refused. */
  db?: Database.Database;
  /** Where the lifecycle lives when not in `db` (the hub: MemoryAlertStore, persisted from onChanges). */
  lifecycle?: AlertLifecycle;
  /** Where action attempts are logged when not in `db`. */
  deliveries?: DeliverySink;
  /** Where this engine runs: it evaluates rules located here or `both` (default edge). */
  place?: 'edge' | 'cloud';
  /** Rule specs from `gateway.alerts.rules`; errors name `<rulesPath>[i]`. */
  rules: readonly unknown[];
  rulesPath?: string;
  now?: () => number;
  logger?: Logger;
  mqttPublish?: MqttPublish;
  allowedCommands?: readonly string[];
  /** Every batch of lifecycle changes (the gateway enqueues them to the uplink as critical). */
  onChanges?: (changes: readonly AlertChange[]) => void;
  retry?: Partial<RetryPolicy>;
  maxPendingPerAction?: number;
  /** How `db` commits the lifecycle's batches (default: a plain transaction). */
  transaction?: RunInTransaction;
  /**
   * With `db`: lifecycle records of evaluated points are written, and handed to `onChanges`, at
   * most this many ms after evaluation, many messages' changes in one transaction; actions still
   * run at once. Unset or 0: written per `process` call. Acknowledge, clear, tick and external
   * raises are always written at once.
   */
  recordDelayMs?: number;
}

interface RuleRuntime { rule: CompiledRule; gate: ActionGate; actions: { spec: ActionSpec; queue: ActionQueue }[] }

/** Rules from one source; `path` names them in errors, e.g. `gateway.alerts.rules`. */
export interface RuleGroup { path: string; rules: readonly unknown[] }

/** The running rules and their routing: rules for exact devices by device and metric, the others by metric. */
interface RuleSet { runtimes: RuleRuntime[]; byMetric: Map<string, RuleRuntime[]>; byDeviceMetric: Map<string, RuleRuntime[]>; elsewhere: string[] }

/**
 * Evaluates edge rules on committed points, keeps the alert lifecycle in SQLite and runs actions.
 * `process` is synchronous: evaluation, one transaction for the batch's lifecycle changes, then
 * actions are queued (never awaited), so a slow action cannot delay the next batch.
 */
export class AlertEngine {
  readonly store: AlertLifecycle;
  readonly deliveries: DeliverySink;
  private ruleSet: RuleSet;
  private readonly now: () => number;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private counters = { points: 0, transitions: 0, changes: 0, evalErrors: 0 };
  /** Rules that run in the other place (cloud-only rules on a gateway, edge-only ones on the hub). */
  get elsewhere(): string[] { return this.ruleSet.elsewhere; }
  /** Cloud-only rules left to the hub (on a gateway engine: the same list as `elsewhere`). */
  get cloudRules(): string[] { return this.place === 'edge' ? this.elsewhere : []; }
  private readonly place: 'edge' | 'cloud';
  private readonly recordDelayMs: number;
  /** Changes of evaluated points whose records wait for the record timer (recordDelayMs). */
  private unrecorded: AlertChange[] = [];
  private recordTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: AlertEngineOptions) {
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger ?? silentLogger;
    if (!opts.db && (!opts.lifecycle || !opts.deliveries)) throw new Error('AlertEngine needs a db, or a lifecycle and a delivery sink');
    this.recordDelayMs = !opts.lifecycle && opts.db ? opts.recordDelayMs ?? 0 : 0;
    this.store = opts.lifecycle ?? new AlertStore(opts.db!, opts.transaction, this.recordDelayMs > 0);
    this.deliveries = opts.deliveries ?? new DeliveryLog(opts.db!);
    this.place = opts.place ?? 'edge';
    this.ruleSet = this.compile([{ path: opts.rulesPath ?? 'gateway.alerts.rules', rules: opts.rules }]);
    this.restoreOpen();
  }

  /**
   * Replace the running rules with these groups (the config's rules and rule sets delivered by the
   * hub; errors name `<path>[i]`, rule ids are unique across groups). The new rules compile first,
   * so a bad group throws and changes nothing; then the old rules' action queues close and open
   * alerts are handed to the new evaluators.
   */
  setRules(groups: readonly RuleGroup[]): void {
    const next = this.compile(groups);
    for (const rt of this.ruleSet.runtimes) for (const a of rt.actions) a.queue.close();
    this.ruleSet = next;
    this.restoreOpen();
  }

  private compile(groups: readonly RuleGroup[]): RuleSet {
    const set: RuleSet = { runtimes: [], byMetric: new Map(), byDeviceMetric: new Map(), elsewhere: [] };
    const ids = new Set<string>();
    const retry: RetryPolicy = { maxAttempts: 5, baseMs: 500, maxMs: 60_000, ...this.opts.retry };
    const t0 = this.now();
    for (const { path, rules } of groups) rules.forEach((raw, i) => {
      const rp = `${path}[${i}]`;
      const enabled = (raw as { enabled?: unknown } | null)?.enabled !== false;
      const rule = compileRule(raw, rp, t0);
      if (ids.has(rule.id)) throw invalid(`${rp}.id`, `duplicate rule id ${JSON.stringify(rule.id)}`);
      ids.add(rule.id);
      if (!enabled) return;
      if (rule.location !== 'both' && rule.location !== this.place) { set.elsewhere.push(rule.id); return; }
      const actions = rule.actions.map((spec, j) => {
        if (spec.type === 'log' && !this.opts.db) throw invalid(`${rp}.actions[${j}].type`, 'log actions write the gateway\'s local alarm log and run only on a gateway; use a webhook here');
        if (spec.type === 'command' && !(this.opts.allowedCommands ?? []).includes(spec.command)) {
          throw invalid(`${rp}.actions[${j}].command`, `${JSON.stringify(spec.command)} is not in gateway.alerts.allowedCommands`);
        }
        const exec = this.executor(spec);
        const policy = spec.type === 'webhook' ? { ...retry, maxAttempts: spec.maxAttempts } : retry;
        return { spec, queue: new ActionQueue(rule.id, spec.type, exec, policy, this.deliveries, this.logger, this.now, this.opts.maxPendingPerAction) };
      });
      const rt: RuleRuntime = { rule, gate: new ActionGate(rule.limits, t0), actions };
      set.runtimes.push(rt);
      // Routing: rules for exact devices by device and metric, the others by metric, so 1,000
      // per-device rules cost a map lookup per point rather than 1,000 device checks.
      const keys = rule.exactDevices ? rule.exactDevices.flatMap((d) => rule.evaluator.metrics.map((m) => `${d}\u0000${m}`)) : rule.evaluator.metrics;
      const index = rule.exactDevices ? set.byDeviceMetric : set.byMetric;
      for (const k of keys) {
        const list = index.get(k) ?? [];
        list.push(rt);
        index.set(k, list);
      }
    });
    return set;
  }

  /** Alerts open from before this engine (a restart, a new rule set) are handed back to their rules' evaluators. */
  private restoreOpen(): void {
    const byId = new Map(this.ruleSet.runtimes.map((rt) => [rt.rule.id, rt]));
    for (const a of this.store.query({ state: 'open', limit: 10_000 })) byId.get(a.rule)?.rule.evaluator.restore?.(a.key, a.device);
  }

  /** Evaluate a committed batch; returns the lifecycle changes it caused. */
  process(points: readonly Point[]): AlertChange[] {
    const now = this.now();
    const found: [RuleRuntime, Transition][] = [];
    for (const p of points) {
      const general = this.ruleSet.byMetric.get(p.metric);
      const exact = this.ruleSet.byDeviceMetric.size > 0 ? this.ruleSet.byDeviceMetric.get(`${p.device}\u0000${p.metric}`) : undefined;
      if (!general && !exact) continue;
      this.counters.points++;
      if (general) this.evaluate(general, p, now, found, true);
      if (exact) this.evaluate(exact, p, now, found, false);
    }
    return this.apply(found, now, this.recordDelayMs > 0);
  }

  /**
   * Write the lifecycle records still waiting for the record timer in one transaction and hand
   * their changes to `onChanges` (called by the timer, before reads, and at stop).
   */
  flushRecords(): void {
    if (this.recordTimer) clearTimeout(this.recordTimer);
    this.recordTimer = undefined;
    const changes = this.unrecorded;
    this.unrecorded = [];
    try {
      this.store.flush?.();
    } catch (e) {
      this.logger.error({ err: e, changes: changes.length }, 'writing alert records failed; their actions already ran');
    }
    this.handOver(changes);
  }

  private evaluate(rts: readonly RuleRuntime[], p: Point, now: number, found: [RuleRuntime, Transition][], checkDevice: boolean): void {
    for (const rt of rts) {
      if (checkDevice && rt.rule.devices && !rt.rule.devices(p.device)) continue;
      try {
        const ts = rt.rule.evaluator.onPoint(p, now);
        if (ts) for (const t of ts) found.push([rt, t]);
      } catch (e) {
        this.counters.evalErrors++;
        this.logger.error({ err: e, rule: rt.rule.id }, `alert rule ${rt.rule.id} failed on a point`);
      }
    }
  }

  /** Time-driven checks (missing data, for-durations, dwell); called every tickMs by start(). */
  tick(): AlertChange[] {
    const now = this.now();
    const found: [RuleRuntime, Transition][] = [];
    for (const rt of this.ruleSet.runtimes) for (const t of rt.rule.evaluator.onTick?.(now) ?? []) found.push([rt, t]);
    return this.apply(found, now);
  }

  /**
   * Alerts raised outside the rules (pipeline `alert` nodes, see pipeline-sink.ts): stored, listed
   * and sent to the hub like the others, de-duplicated while open; no actions, cleared by hand.
   */
  raiseExternal(items: readonly { rule: string; key: string; device: string; severity: Severity; message: string; points: readonly Point[] }[]): AlertChange[] {
    if (items.length === 0) return [];
    const now = this.now();
    const changes: AlertChange[] = [];
    this.store.transaction(() => {
      for (const it of items) {
        const c = this.store.raise(it, now);
        if (c) changes.push(c);
      }
    });
    this.dispatch(changes);
    this.flushRecords();
    return changes;
  }

  acknowledge(id: number, by: string): AlertChange {
    const c = this.store.acknowledge(id, by, this.now());
    this.dispatch([c]);
    this.flushRecords();
    return c;
  }

  clear(id: number, message: string): AlertChange {
    const c = this.store.clear(id, message, this.now());
    this.dispatch([c]);
    this.flushRecords();
    return c;
  }

  query(q?: AlertQuery): AlertRecord[] {
    this.flushRecords();
    return this.store.query(q);
  }

  start(tickMs = 1000): void {
    this.timer ??= setInterval(() => { try { this.tick(); } catch (e) { this.logger.error({ err: e }, 'alert tick failed'); } }, tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const rt of this.ruleSet.runtimes) for (const a of rt.actions) a.queue.close();
    this.flushRecords();
    this.deliveries.flush?.();
  }

  /** True when no action has queued or in-flight work. */
  idle(): boolean {
    return this.ruleSet.runtimes.every((rt) => rt.actions.every((a) => a.queue.idle()));
  }

  stats(): { rules: number; cloudRules: number; points: number; transitions: number; changes: number; evalErrors: number; open: number; suppressed: { rate: number; duplicate: number }; actions: ActionStats } {
    const actions: ActionStats = { ok: 0, failed: 0, retries: 0, dropped: 0, pending: 0 };
    let rate = 0;
    let duplicate = 0;
    for (const rt of this.ruleSet.runtimes) {
      rate += rt.gate.suppressedRate;
      duplicate += rt.gate.suppressedDuplicate;
      for (const a of rt.actions) for (const k of Object.keys(actions) as (keyof ActionStats)[]) actions[k] += a.queue.stats[k];
    }
    return { rules: this.ruleSet.runtimes.length, cloudRules: this.elsewhere.length, ...this.counters, open: this.store.query({ state: 'open', limit: 10_000 }).length, suppressed: { rate, duplicate }, actions };
  }

  private apply(found: [RuleRuntime, Transition][], now: number, deferRecords = false): AlertChange[] {
    if (found.length === 0) return [];
    this.counters.transitions += found.length;
    const changes: AlertChange[] = [];
    const owners = new Map<AlertChange, RuleRuntime>();
    this.store.transaction(() => {
      for (const [rt, t] of found) {
        const c = t.type === 'raise'
          ? this.store.raise({ rule: rt.rule.id, key: t.key, device: t.device, severity: rt.rule.severity, message: t.message, value: t.value, points: t.points }, now)
          : this.store.clearKey(rt.rule.id, t.key, t.message, now);
        if (c) { changes.push(c); owners.set(c, rt); }
      }
    });
    this.dispatch(changes, owners, deferRecords);
    if (!deferRecords) this.flushRecords();
    return changes;
  }

  /** Run the changes' actions now; their records and `onChanges` follow at the next flushRecords. */
  private dispatch(changes: readonly AlertChange[], owners?: Map<AlertChange, RuleRuntime>, deferRecords = false): void {
    if (changes.length === 0) return;
    this.counters.changes += changes.length;
    for (const c of changes) {
      const rt = owners?.get(c) ?? this.ruleSet.runtimes.find((r) => r.rule.id === c.alert.rule);
      if (!rt || rt.actions.length === 0) continue;
      if (!rt.gate.admit(c.alert.key, c.change, c.at)) continue;
      for (const a of rt.actions) if (a.spec.on.includes(c.change)) a.queue.submit(c);
    }
    for (const c of changes) this.unrecorded.push(c);
    if (deferRecords && !this.recordTimer) {
      this.recordTimer = setTimeout(() => this.flushRecords(), this.recordDelayMs);
      this.recordTimer.unref();
    }
  }

  private handOver(changes: readonly AlertChange[]): void {
    if (changes.length === 0) return;
    try {
      this.opts.onChanges?.(changes);
    } catch (e) {
      this.logger.error({ err: e }, 'handing alert changes to the uplink failed');
    }
  }

  private executor(spec: ActionSpec): Executor {
    switch (spec.type) {
      case 'mqtt': return mqttExecutor(spec, this.opts.mqttPublish);
      case 'webhook': return webhookExecutor(spec, this.now);
      case 'modbus': return modbusExecutor(spec);
      case 'command': return commandExecutor(spec, this.opts.allowedCommands ?? []);
      case 'log': return alarmLogExecutor(this.opts.db!);
    }
  }
}
