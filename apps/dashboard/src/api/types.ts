/** Shapes of the hub API responses the dashboard reads (see the OpenAPI document at /docs). */
export type Role = 'system_admin' | 'org_admin' | 'member';

export interface Me { kind: 'user' | 'key'; id: string; orgId: string; role: Role | null; scopes: string[]; actor: string }
export interface SessionUser { id: string; orgId: string; email: string; role: Role }
export interface Org { id: string; name: string; createdAt: number }
export interface Page<T> { items: T[]; total: number; limit: number; offset: number }
export interface Items<T> { items: T[] }

export type DeviceStatus = 'online' | 'offline' | 'degraded' | 'decommissioned';
export type BufferStatus = Record<string, unknown>;
export interface Heartbeat {
  status?: string; uptimeS?: number; versions?: Record<string, string>; services?: Record<string, string>;
  system?: { cpu?: number; memory?: number; disk?: number; temperature?: number; [k: string]: unknown };
  buffer?: BufferStatus; lastTelemetryAt?: number | null;
}
export interface Device {
  id: string; orgId: string; hardwareId: string; name: string; typeId: string | null; tags: string[]; groups: string[];
  state: 'active' | 'decommissioned'; status: DeviceStatus; lastSeenAt: number | null; lastStatus: string | null; createdAt: number;
  lastHeartbeat: Heartbeat | null; appliedConfig: string | null; configError: string | null; configVersion: number | null;
  desiredConfig?: string | null; location: { lat?: number; lon?: number; site?: string } | null; metadata: Record<string, unknown>;
}
export interface DeviceType { id: string; name: string; metrics: Array<{ name: string; unit?: string; min?: number; max?: number }> }
export interface ConfigVersion { version: number; body: Record<string, unknown>; note: string | null; createdAt: number; createdBy: string }
export interface ConfigList { versions: ConfigVersion[]; active: number | null }
export interface HeartbeatRow { at: number; status: string; body: Heartbeat }
/** `service`: the gateway part that logged the line; null from gateways that do not name it. */
export interface LogRow { at: number; level: string; msg: string; service?: string | null }
export interface Point { ts: number; value: number | null; unit?: string | null; text?: string }
export interface Rollup { bucket: number; count: number; min: number; max: number; avg: number }
export interface User { id: string; orgId: string; email: string; role: Role; createdAt: number }
export interface ApiKey { id: string; name: string; prefix: string; scopes: string[]; createdBy: string; createdAt: number; expiresAt: number | null; lastUsedAt: number | null; revokedAt: number | null }
export interface AuditEntry { seq: number; at: number; actor: string; action: string; entity: string; entityId: string; before: unknown; after: unknown }
export interface RegistrationToken { id: string; prefix: string; deviceTypeId: string | null; expiresAt: number; usedAt: number | null; usedByDevice: string | null; createdBy: string; createdAt: number; token?: string }
export interface HubAlert {
  id: string; source: 'edge' | 'cloud'; gateway: string | null; rule: string; key: string; device: string; severity: string;
  state: 'raised' | 'acknowledged' | 'cleared'; message: string; value: number | null; raisedAt: number;
  ackedAt: number | null; ackedBy: string | null; clearedAt: number | null; clearMessage: string | null; updatedAt: number;
}
export interface Delivery { alertId: string; rule: string; action: string; target: string; attempt: number; outcome: string; status: number | null; detail: string | null; at: number }
export interface RuleSet { version: number | null; rules: Array<Record<string, unknown>>; createdBy: string | null; createdAt: number | null }
