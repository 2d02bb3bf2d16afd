import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OutpostError } from '@outpost/contract';
import { ARTIFACT_KINDS, ARTIFACT_NAME_PATTERN, type ArtifactKind } from '@outpost/contract/artifacts';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { actorOf, errorResponses, orgOf, Obj } from '../../core/route-kit.js';
import { storeArtifact } from './store-artifact.js';
import { ArtifactSigner } from './signing-key.js';
import { sendRange } from './range.js';

/** Largest artifact accepted in one upload (software bundles and models are the big ones). */
export const ARTIFACT_MAX_BYTES = 512 * 1024 * 1024;

const Name = Type.String({ pattern: ARTIFACT_NAME_PATTERN });
const Kind = Type.String({ enum: [...ARTIFACT_KINDS] });
const VersionParams = Obj({ kind: Kind, name: Name, version: Name });
const UploadQuery = Obj({ note: Type.Optional(Type.String({ maxLength: 1000 })) });
const ListQuery = Obj({ kind: Type.Optional(Kind), name: Type.Optional(Name) });

/** Gateways fetch artifacts with their device token; people and API keys need the read scope. */
async function deviceOrRead(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.principal?.kind === 'device') return;
  await requires('read')(req, reply);
}

const publicView = <T extends { objectKey: string; orgId: string }>({ objectKey: _k, orgId: _o, ...a }: T) => a;

/**
 * Immutable versioned artifacts for every kind the hub rolls out (see kinds.ts): uploaded once,
 * stored in the object store, hashed (SHA-256) and signed with the hub's ed25519 key. Gateways
 * download them with HTTP Range (resumable) and verify hash and signature before use.
 */
export const artifactsModule: HubModule = {
  name: 'artifacts',
  async register(app, ctx) {
    const { store, objects } = ctx.services;
    const signer = await ArtifactSigner.load(store);
    const tags = ['artifacts'];

    app.get('/v1/artifacts/signing-key', { preValidation: deviceOrRead, schema: { tags, summary: 'The hub\'s ed25519 public key (PEM) that signs every artifact; gateways pin it.', response: errorResponses() } },
      async () => ({ algorithm: 'ed25519', keyId: signer.keyId, publicKeyPem: signer.publicKeyPem }));

    await app.register(async (scope) => {
      // The upload body is the artifact's bytes, whatever its content type (JSON documents are stored as sent).
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ARTIFACT_MAX_BYTES }, (_req, body, done) => done(null, body));
      scope.put('/v1/artifacts/:kind/:name/:version', {
        preValidation: requires('write'), bodyLimit: ARTIFACT_MAX_BYTES,
        schema: { tags, summary: 'Upload an artifact version (body: its bytes). Versions are immutable.', params: VersionParams, querystring: UploadQuery, response: errorResponses(409) },
      }, async (req, reply) => {
        const p = req.params as Static<typeof VersionParams>;
        const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const q = req.query as Static<typeof UploadQuery>;
        const a = await storeArtifact({ store, objects, signer }, actorOf(req), { ...p, kind: p.kind as ArtifactKind }, content, q.note ? { note: q.note } : {}, ctx.now());
        return reply.status(201).send(publicView(a));
      });
    });

    app.get('/v1/artifacts', { preValidation: requires('read'), schema: { tags, summary: 'Artifact versions, newest first.', querystring: ListQuery } }, async (req) => {
      return { items: (await store.artifacts.list(orgOf(req), req.query as Static<typeof ListQuery>)).map(publicView) };
    });
    app.get('/v1/artifacts/:kind/:name/:version', { preValidation: deviceOrRead, schema: { tags, summary: 'One artifact version: SHA-256, size, signature.', params: VersionParams, response: errorResponses(404) } }, async (req) => {
      const p = req.params as Static<typeof VersionParams>;
      return publicView(await store.artifacts.get(orgOf(req), p.kind, p.name, p.version));
    });
    app.get('/v1/artifacts/:kind/:name/:version/content', {
      preValidation: deviceOrRead,
      schema: { tags, summary: 'The artifact\'s bytes; honours `Range: bytes=a-b` (206) so an interrupted download resumes.', params: VersionParams, response: errorResponses(404, 416) },
    }, async (req, reply) => {
      const p = req.params as Static<typeof VersionParams>;
      const a = await store.artifacts.get(orgOf(req), p.kind, p.name, p.version);
      const content = await objects.get(a.objectKey);
      if (!content) throw new OutpostError('ERR_ARTIFACT_NOT_FOUND', `${p.kind} ${p.name}@${p.version}: its content is missing from the object store`);
      reply.header('x-outpost-sha256', a.sha256);
      return sendRange(req, reply, content);
    });
  },
};
