import { OutpostError, isOutpostError } from '@outpost/contract';
import { signedPayload, validateBundle, verifyBundle, type ProcessorBundle, type SignedBundle } from '@outpost/sandbox';
import type { ArtifactSigner } from '../artifacts/signing-key.js';

/**
 * The artifact check of kind `processor` (artifacts/kinds.ts): the content is a bundle signed by
 * this hub whose manifest names the artifact's name and version. Signature first — nothing in a
 * bundle that fails it is parsed further. Throws ERR_ARTIFACT_INVALID saying what is wrong.
 */
export function checkProcessorArtifact(doc: Record<string, unknown>, where: string, ctx: { name: string; version: string; hubPublicKeyPem: string }): void {
  const bundle = doc as unknown as SignedBundle;
  try {
    verifyBundle(bundle, [ctx.hubPublicKeyPem]);
    validateBundle(bundle);
  } catch (e) {
    if (isOutpostError(e, 'ERR_PROCESSOR_SIGNATURE') || isOutpostError(e, 'ERR_PROCESSOR_INVALID')) throw new OutpostError('ERR_ARTIFACT_INVALID', `${where}: ${e.message}`, { cause: e.code });
    throw e;
  }
  const m = bundle.manifest;
  if (m.name !== ctx.name || m.version !== ctx.version) {
    throw new OutpostError('ERR_ARTIFACT_INVALID', `${where}: the bundle's manifest is ${m.name}@${m.version}; expected ${ctx.name}@${ctx.version}`);
  }
}

/** Validate an uploaded (unsigned) bundle and sign it with the hub's artifact key. */
export function signProcessorBundle(signer: ArtifactSigner, bundle: ProcessorBundle): SignedBundle {
  validateBundle(bundle);
  const { signature, keyId } = signer.signBytes(signedPayload(bundle));
  return { manifest: bundle.manifest, source: bundle.source, signature: { algorithm: 'ed25519', keyId, value: signature } };
}
