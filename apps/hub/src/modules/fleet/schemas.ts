import { Type } from '@sinclair/typebox';
import { Obj } from '../../core/route-kit.js';

const Label = Type.String({ minLength: 1, maxLength: 100 });
export const ExpectedMetricSchema = Obj({
  name: Type.String({ minLength: 1, maxLength: 200 }), unit: Type.Optional(Type.String({ maxLength: 50 })),
  min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()),
});
export const DeviceTypeBody = Obj({ name: Type.String({ minLength: 1, maxLength: 200 }), metrics: Type.Array(ExpectedMetricSchema, { maxItems: 1000, default: [] }) });
export const RegTokenBody = Obj({
  ttlS: Type.Integer({ minimum: 60, maximum: 30 * 86_400, default: 86_400, description: 'Seconds until the token expires.' }),
  deviceTypeId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export const RegisterBody = Obj({
  token: Type.String({ minLength: 1, maxLength: 200 }), hardwareId: Type.String({ minLength: 1, maxLength: 200 }),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export const DeviceTokenBody = Obj({ credential: Type.String({ minLength: 1, maxLength: 200 }) });
export const LocationSchema = Obj({
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })), lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  site: Type.Optional(Type.String({ maxLength: 200 })),
});
export const DevicePatchBody = Obj({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  typeId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
  tags: Type.Optional(Type.Array(Label, { maxItems: 100 })), groups: Type.Optional(Type.Array(Label, { maxItems: 100 })),
  location: Type.Optional(Type.Union([LocationSchema, Type.Null()])),
  metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export const DeviceListQuerySchema = Obj({
  status: Type.Optional(Type.Unsafe<'online' | 'offline' | 'degraded' | 'decommissioned'>({ type: 'string', enum: ['online', 'offline', 'degraded', 'decommissioned'] })),
  type: Type.Optional(Type.String({ maxLength: 200 })), tag: Type.Optional(Label), group: Type.Optional(Label),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text in name or hardware id.' })),
  sort: Type.Optional(Type.Unsafe<'name' | 'created_at' | 'last_seen_at' | 'hardware_id'>({ type: 'string', enum: ['name', 'created_at', 'last_seen_at', 'hardware_id'], default: 'name' })),
  order: Type.Optional(Type.Unsafe<'asc' | 'desc'>({ type: 'string', enum: ['asc', 'desc'], default: 'asc' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
