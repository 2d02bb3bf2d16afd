/** Shapes of the fleet registry as the store returns them (JSON columns parsed). */
export interface ExpectedMetric { name: string; unit?: string; min?: number; max?: number }
export interface DeviceType { id: string; orgId: string; name: string; metrics: ExpectedMetric[]; configVersion: number | null; createdAt: number }
export interface Location { lat?: number; lon?: number; site?: string }
export type DeviceState = 'active' | 'decommissioned';

export interface Device {
  id: string; orgId: string; hardwareId: string; name: string; typeId: string | null;
  tags: string[]; groups: string[]; location: Location | null; metadata: Record<string, unknown>;
  state: DeviceState; configVersion: number | null; lastSeenAt: number | null; lastStatus: string | null;
  lastHeartbeat: Record<string, unknown> | null; appliedConfig: string | null; configError: string | null;
  createdAt: number; updatedAt: number;
}

export interface RegistrationToken {
  id: string; orgId: string; prefix: string; deviceTypeId: string | null; expiresAt: number;
  usedAt: number | null; usedByDevice: string | null; createdBy: string; createdAt: number;
}

export const DEVICE_SORT_KEYS = ['name', 'created_at', 'last_seen_at', 'hardware_id'] as const;
export type DeviceSortKey = (typeof DEVICE_SORT_KEYS)[number];

export interface DeviceListQuery {
  /** Liveness is derived from last_seen_at by the caller: `seenSince`/`notSeenSince` express it. */
  seenSince?: number; notSeenSince?: number; lastStatus?: string; state?: DeviceState;
  typeId?: string; tag?: string; group?: string; text?: string;
  sort?: DeviceSortKey; order?: 'asc' | 'desc'; limit: number; offset: number;
}

export interface DevicePatch {
  name?: string; typeId?: string | null; tags?: string[]; groups?: string[];
  location?: Location | null; metadata?: Record<string, unknown>;
}
