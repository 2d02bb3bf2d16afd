import { Type } from '@sinclair/typebox';
import { Obj } from '../../core/route-kit.js';

export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Password = Type.String({ minLength: 12, maxLength: 256, description: 'At least 12 characters.' });
export const RoleSchema = Type.Unsafe<'org_admin' | 'member'>({ type: 'string', enum: ['org_admin', 'member'] });
export const ScopeSchema = Type.Unsafe<'read' | 'write' | 'admin' | 'ingest'>({ type: 'string', enum: ['read', 'write', 'admin', 'ingest'] });

export const SetupBody = Obj({ orgName: Type.String({ minLength: 1, maxLength: 200 }), email: Email, password: Password });
export const LoginBody = Obj({ email: Email, password: Type.String({ minLength: 1, maxLength: 256 }) });
export const OrgBody = Obj({ name: Type.String({ minLength: 1, maxLength: 200 }) });
export const UserBody = Obj({ email: Email, password: Password, role: RoleSchema, orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'System admins only: create the user in this org.' })) });
export const ApiKeyBody = Obj({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  scopes: Type.Array(ScopeSchema, { minItems: 1, uniqueItems: true }),
  expiresAt: Type.Optional(Type.Integer({ minimum: 0, description: 'Epoch ms; omitted: never expires.' })),
});
export const AuditQuerySchema = Obj({
  since: Type.Optional(Type.Integer({ minimum: 0 })), until: Type.Optional(Type.Integer({ minimum: 0 })),
  entity: Type.Optional(Type.String({ maxLength: 100 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
