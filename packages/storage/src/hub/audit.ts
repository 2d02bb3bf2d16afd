import type { Kysely } from 'kysely';
import type { HubTables } from './schema.js';

/** Who did something: a user or API key id (`user:<id>`, `key:<id>`, `device:<id>`, `system`). */
export interface Actor { orgId: string; id: string }

export interface AuditEntry {
  seq: number; orgId: string; actor: string; action: string; entity: string; entityId: string;
  before: unknown; after: unknown; at: number;
}

export interface AuditQuery { since?: number; until?: number; entity?: string; limit?: number }

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** Append one audit row; call inside the mutation's transaction so both commit or neither. */
export async function writeAudit(db: Kysely<HubTables>, actor: Actor, action: string, entity: string, entityId: string,
  before: unknown, after: unknown, at: number): Promise<void> {
  await db.insertInto('audit_log').values({
    org_id: actor.orgId, actor: actor.id, action, entity, entity_id: entityId, before: json(before), after: json(after), at,
  }).execute();
}

export async function listAudit(db: Kysely<HubTables>, orgId: string, q: AuditQuery): Promise<AuditEntry[]> {
  let s = db.selectFrom('audit_log').selectAll().where('org_id', '=', orgId);
  if (q.since !== undefined) s = s.where('at', '>=', q.since);
  if (q.until !== undefined) s = s.where('at', '<', q.until);
  if (q.entity !== undefined) s = s.where('entity', '=', q.entity);
  const rows = await s.orderBy('seq', 'desc').limit(q.limit ?? 100).execute();
  return rows.map((r) => ({
    seq: Number(r.seq), orgId: r.org_id, actor: r.actor, action: r.action, entity: r.entity, entityId: r.entity_id,
    before: r.before === null ? null : JSON.parse(r.before), after: r.after === null ? null : JSON.parse(r.after), at: r.at,
  }));
}
