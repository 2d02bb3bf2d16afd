import type { HubStore } from '@outpost/storage/hub/index';
import { withHealth } from '../fleet/health-status.js';
import type { Snapshot } from './org-watch.js';

/** Most items one organisation's watch compares per tick. */
const WATCH_LIMIT = 5000;

/** Devices by status (online/degraded/offline/decommissioned), name and applied config (a push landing or failing). */
export const deviceSnapshot = (store: HubStore, now: () => number, intervalS: number): Snapshot => async (orgId) => {
  const t = now();
  const { items } = await store.fleet.listDevices(orgId, { limit: WATCH_LIMIT, offset: 0, sort: 'name', order: 'asc' });
  return new Map(items.map((d) => {
    const h = withHealth(d, t, intervalS);
    return [d.id, { key: `${h.status}|${d.name}|${d.appliedConfig}|${d.configError}`, item: { id: d.id, name: d.name, status: h.status, lastSeenAt: d.lastSeenAt, appliedConfig: d.appliedConfig, configError: d.configError } }];
  }));
};

/** Open alerts (raised or acknowledged); one that clears is `removed`. */
export const openAlertSnapshot = (store: HubStore): Snapshot => async (orgId) => {
  const items = await store.alerts.list(orgId, { state: 'open', limit: WATCH_LIMIT });
  return new Map(items.map((a) => [a.id, { key: `${a.state}|${a.updatedAt}`, item: { id: a.id, rule: a.rule, device: a.device, severity: a.severity, state: a.state, message: a.message } }]));
};
