import type { Device } from '@outpost/storage/hub/index';
import type { DeviceHealth } from '@outpost/contract/api/hub';

/** Missed beats after which a device counts as offline. */
export const MISSED_BEATS_OFFLINE = 3;

/** online/degraded as last reported while beats arrive; offline after 3 missed beats (or never seen). */
export function deviceHealth(d: Device, now: number, intervalS: number): DeviceHealth | 'decommissioned' {
  if (d.state === 'decommissioned') return 'decommissioned';
  if (d.lastSeenAt === null || now - d.lastSeenAt > MISSED_BEATS_OFFLINE * intervalS * 1000) return 'offline';
  return d.lastStatus === 'degraded' ? 'degraded' : 'online';
}

export const withHealth = (d: Device, now: number, intervalS: number) => ({ ...d, status: deviceHealth(d, now, intervalS) });
