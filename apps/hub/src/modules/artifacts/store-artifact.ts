import { OutpostError } from '@outpost/contract';
import { sha256Hex, type ArtifactKind } from '@outpost/contract/artifacts';
import type { Actor, ArtifactVersion, HubStore } from '@outpost/storage/hub/index';
import type { ObjectStore } from '../../core/object-store.js';
import { kindSpec } from './kinds.js';
import type { ArtifactSigner } from './signing-key.js';

export interface ArtifactDeps { store: HubStore; objects: ObjectStore; signer: ArtifactSigner }

/**
 * Validate (per kind), hash, sign and store one immutable artifact version: the one path every
 * upload takes, whether through PUT /v1/artifacts or a module that builds the content (processors).
 */
export async function storeArtifact(d: ArtifactDeps, actor: Actor, p: { kind: ArtifactKind; name: string; version: string }, content: Buffer, meta: Record<string, unknown>, at: number): Promise<ArtifactVersion> {
  const where = `${p.kind} ${p.name}@${p.version}`;
  kindSpec(p.kind, where).validate(content, where, { name: p.name, version: p.version, hubPublicKeyPem: d.signer.publicKeyPem });
  const exists = await d.store.artifacts.list(actor.orgId, { kind: p.kind, name: p.name }).then((l) => l.some((a) => a.version === p.version));
  if (exists) throw new OutpostError('ERR_ARTIFACT_EXISTS', `${where} already exists; versions are immutable, upload a new version`);
  const sha256 = sha256Hex(content);
  const ref = { kind: p.kind, name: p.name, version: p.version, sha256, size: content.byteLength };
  // The key names the hash: a racing upload of the same version never overwrites the stored bytes.
  const objectKey = `artifacts/${actor.orgId}/${p.kind}/${p.name}/${p.version}-${sha256}`;
  await d.objects.put(objectKey, content);
  return d.store.artifacts.create(actor, { ...ref, ...d.signer.sign(ref), objectKey, meta }, at);
}
