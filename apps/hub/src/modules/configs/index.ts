import { Type, type Static } from '@sinclair/typebox';
import { OutpostError } from '@outpost/contract';
import { ConfigError, loadConfig, publishedSchema } from '@outpost/config';
import type { ConfigTarget } from '@outpost/storage/hub/index';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { actorOf, errorResponses, orgOf, Obj } from '../../core/route-kit.js';

const TargetParams = Obj({
  kind: Type.Unsafe<'device-types' | 'devices'>({ type: 'string', enum: ['device-types', 'devices'] }),
  id: Type.String({ minLength: 1, maxLength: 200 }),
});
const VersionParams = Obj({ ...TargetParams.properties, version: Type.Integer({ minimum: 1 }) });
const ConfigBody = Obj({
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'The `gateway` section of an Outpost config file.' }),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
});

const targetKind = (k: 'device-types' | 'devices'): ConfigTarget => (k === 'devices' ? 'device' : 'device_type');

/**
 * Reject a config the gateway would refuse: it is checked as the `gateway` section with the same
 * schema and rules the gateway loads its own config with (@outpost/config).
 */
export function validateGatewayConfig(body: Record<string, unknown>): void {
  try {
    loadConfig({ overrides: { gateway: body } as never });
  } catch (e) {
    if (e instanceof ConfigError) throw new OutpostError('ERR_HUB_CONFIG_INVALID', `config does not match the gateway configuration schema: ${e.message}`, { issues: e.issues as unknown as Record<string, unknown> });
    throw e;
  }
}

/** Versioned configs per device type and per device; history; rollback by activating an earlier version. */
export const configsModule: HubModule = {
  name: 'configs',
  register(app, ctx) {
    const { store } = ctx.services;
    const tags = ['configs'];
    // The schema does not change while the hub runs; built once on first request.
    let gatewaySchema: unknown;

    app.get('/v1/configs/schema', { preValidation: requires('read'), schema: { tags, summary: 'JSON Schema of the `gateway` section that config versions are checked against (editors validate while typing with it).' } }, async () => {
      gatewaySchema ??= { $schema: 'http://json-schema.org/draft-07/schema#', ...(publishedSchema().properties?.gateway ?? {}) };
      return gatewaySchema;
    });

    app.post('/v1/:kind/:id/configs', { preValidation: requires('write'), schema: { tags, summary: 'Store a new config version (validated against the gateway schema) and make it active.', params: TargetParams, body: ConfigBody, response: errorResponses(404, 422) } }, async (req, reply) => {
      const p = req.params as Static<typeof TargetParams>;
      const b = req.body as Static<typeof ConfigBody>;
      validateGatewayConfig(b.config);
      const created = await store.configs.create(actorOf(req), targetKind(p.kind), p.id, b.config, b.note ?? null, ctx.now());
      ctx.services.changes.bump();
      return reply.status(201).send(created);
    });

    app.get('/v1/:kind/:id/configs', { preValidation: requires('read'), schema: { tags, summary: 'Config history, newest first, and the active version.', params: TargetParams, response: errorResponses(404) } }, async (req) => {
      const p = req.params as Static<typeof TargetParams>;
      return store.configs.list(orgOf(req), targetKind(p.kind), p.id);
    });

    app.post('/v1/:kind/:id/configs/:version/activate', { preValidation: requires('write'), schema: { tags, summary: 'Activate an existing version (rollback or roll forward).', params: VersionParams, response: errorResponses(404) } }, async (req) => {
      const p = req.params as Static<typeof VersionParams>;
      await store.configs.activate(actorOf(req), targetKind(p.kind), p.id, p.version, ctx.now());
      ctx.services.changes.bump();
      return { active: p.version };
    });

    app.get('/v1/devices/:id/effective-config', { preValidation: requires('read'), schema: { tags, summary: 'The config a device should run: type config overlaid with its own.', params: Obj({ id: Type.String({ minLength: 1, maxLength: 200 }) }), response: errorResponses(404) } }, async (req) => {
      const eff = await store.configs.effective(orgOf(req), (req.params as { id: string }).id);
      return eff ?? { version: null, body: null };
    });
  },
};
