import type { AlertSnapshot, HubAlertState } from '@outpost/storage/hub/index';

/** The uplink item kind the gateway sends its alert lifecycle changes as (apps/gateway/src/alerts/wiring.ts). */
export const ALERTS_ITEM_KIND = 'alerts';

const STATES = new Set<HubAlertState>(['raised', 'acknowledged', 'cleared']);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const numOrNull = (v: unknown) => (isNum(v) ? v : null);
const strOrNull = (v: unknown) => (isStr(v) ? v : null);

/**
 * The alert snapshots in one `alerts` item body (`{ gateway, changes: [{ change, at, alert }] }`).
 * A change that is not a well-formed alert is skipped (the raw item stays in uplink_items for
 * inspection) rather than failing the batch, whose points must still be stored.
 */
export function edgeAlertSnapshots(body: string): { snapshots: Array<AlertSnapshot & { id: number }>; skipped: number } {
  let parsed: unknown;
  try { parsed = JSON.parse(body); } catch { return { snapshots: [], skipped: 1 }; }
  const changes = (parsed as { changes?: unknown } | null)?.changes;
  if (!Array.isArray(changes)) return { snapshots: [], skipped: 1 };
  const snapshots: Array<AlertSnapshot & { id: number }> = [];
  let skipped = 0;
  for (const c of changes) {
    const a = (c as { alert?: Record<string, unknown> } | null)?.alert;
    if (!a || !isNum(a.id) || !isStr(a.rule) || !isStr(a.key) || !isStr(a.device) || !isStr(a.severity) || !STATES.has(a.state as HubAlertState) || !isNum(a.raisedAt)) {
      skipped++;
      continue;
    }
    snapshots.push({
      id: a.id, rule: a.rule, key: a.key, device: a.device, severity: a.severity, state: a.state as HubAlertState, message: isStr(a.message) ? a.message : '',
      value: numOrNull(a.value), points: Array.isArray(a.points) ? a.points.slice(0, 20) : [], raisedAt: a.raisedAt,
      ackedAt: numOrNull(a.ackedAt), ackedBy: strOrNull(a.ackedBy), clearedAt: numOrNull(a.clearedAt), clearMessage: strOrNull(a.clearMessage),
    });
  }
  return { snapshots, skipped };
}
