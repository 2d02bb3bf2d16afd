import { Type, type Static } from '@sinclair/typebox';
import type { Point } from '@outpost/contract';
import { MAX_SOURCE_BYTES, type ProcessorManifest } from '@outpost/sandbox';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { actorOf, errorResponses, orgOf, Obj } from '../../core/route-kit.js';
import { hubProcessorsOf, type HubProcessors } from './service.js';

/** Sample points a test request may carry. */
export const PROCESSOR_TEST_MAX_POINTS = 1000;

const Name = Type.String({ pattern: '^[a-z][a-z0-9-]{1,63}$' });
const NameParams = Obj({ name: Name });
const VersionParams = Obj({ name: Name, version: Type.String({ minLength: 1, maxLength: 100 }) });
const UploadBody = Obj({
  manifest: Type.Unsafe<ProcessorManifest>({ type: 'object', description: 'name, version, description, language, configSchema, inputSchema?, outputSchema?, limits? (docs/sandbox.md)' }),
  source: Type.String({ minLength: 1, maxLength: MAX_SOURCE_BYTES }),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
});
const ActivateBody = Obj({ version: Type.String({ minLength: 1, maxLength: 100 }) });
const TestBody = Obj({
  version: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  sample: Type.Array(Type.Unsafe<Point>({ type: 'object' }), { minItems: 1, maxItems: PROCESSOR_TEST_MAX_POINTS }),
});

/**
 * Processor registry on the hub (docs/sandbox.md, "Processor registry on the hub"): upload
 * (validated, signed, stored as an artifact of kind `processor`), versions, activate/rollback,
 * enable/disable, test with sample points, usage per version from the gateways' heartbeats.
 */
export const processorsModule: HubModule = {
  name: 'processors',
  async register(app, ctx) {
    const processors = await hubProcessorsOf(ctx);
    app.decorate('processors', processors);
    const tags = ['processors'];
    const read = requires('read');
    const write = requires('write');

    app.post('/v1/processors', {
      preValidation: write, bodyLimit: MAX_SOURCE_BYTES + 256 * 1024,
      schema: { tags, summary: 'Upload a processor version {manifest, source}: validated, signed by the hub, stored; the first version of a name becomes active.', body: UploadBody, response: errorResponses(409) },
    }, async (req, reply) => reply.status(201).send(await processors.upload(actorOf(req), req.body as Static<typeof UploadBody>)));

    app.get('/v1/processors', { preValidation: read, schema: { tags, summary: 'Processors of the organisation with their versions, active version and state.' } },
      async (req) => ({ items: await processors.list(orgOf(req)) }));
    app.get('/v1/processors/:name', { preValidation: read, schema: { tags, summary: 'One processor: versions, active version, rollback target, enabled.', params: NameParams, response: errorResponses(404) } },
      async (req) => processors.summary(orgOf(req), (req.params as Static<typeof NameParams>).name));
    app.get('/v1/processors/:name/versions/:version', { preValidation: read, schema: { tags, summary: 'One version: manifest (configSchema for the form), source and signature.', params: VersionParams, response: errorResponses(404) } }, async (req) => {
      const p = req.params as Static<typeof VersionParams>;
      return processors.version(orgOf(req), p.name, p.version);
    });
    app.post('/v1/processors/:name/activate', { preValidation: write, schema: { tags, summary: 'Make a version active (hub pipelines hot-reload to it).', params: NameParams, body: ActivateBody, response: errorResponses(404) } },
      async (req) => processors.activate(actorOf(req), (req.params as Static<typeof NameParams>).name, (req.body as Static<typeof ActivateBody>).version));
    app.post('/v1/processors/:name/rollback', { preValidation: write, schema: { tags, summary: 'Re-point to the version active before the current one.', params: NameParams, response: errorResponses(404, 409) } },
      async (req) => processors.rollback(actorOf(req), (req.params as Static<typeof NameParams>).name));
    for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
      app.post(`/v1/processors/:name/${verb}`, { preValidation: write, schema: { tags, summary: `${verb === 'enable' ? 'Enable' : 'Disable'} a processor (versions are kept).`, params: NameParams, response: errorResponses(404) } },
        async (req) => processors.setEnabled(actorOf(req), (req.params as Static<typeof NameParams>).name, enabled));
    }
    app.post('/v1/processors/:name/test', {
      preValidation: read,
      schema: { tags, summary: 'Run sample points through a version (default: the active one): a pipeline trace; not counted as usage.', params: NameParams, body: TestBody, response: errorResponses(404) },
    }, async (req) => processors.test(orgOf(req), (req.params as Static<typeof NameParams>).name, req.body as Static<typeof TestBody>));
    app.get('/v1/processors/:name/stats', { preValidation: read, schema: { tags, summary: 'Usage per version: invocations, errors, average and p95 ms, reporting devices.', params: NameParams, response: errorResponses(404) } },
      async (req) => processors.stats(orgOf(req), (req.params as Static<typeof NameParams>).name));
  },
};

declare module 'fastify' {
  interface FastifyInstance { processors: HubProcessors }
}
