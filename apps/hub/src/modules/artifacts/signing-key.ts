import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { artifactSignedPayload, keyIdOf, type ArtifactRef } from '@outpost/contract/artifacts';
import type { HubStore } from '@outpost/storage/hub/index';

/** The hub's artifact signing key: generated once, kept in the database so every hub process signs alike. */
export class ArtifactSigner {
  readonly keyId: string;
  readonly publicKeyPem: string;
  private constructor(private readonly privateKey: KeyObject) {
    const pub = createPublicKey(privateKey);
    this.keyId = keyIdOf(pub);
    this.publicKeyPem = pub.export({ type: 'spki', format: 'pem' }).toString();
  }

  static async load(store: HubStore): Promise<ArtifactSigner> {
    const fresh = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // ensureSetting keeps the first key ever stored: concurrent first starts agree on one.
    return new ArtifactSigner(createPrivateKey(await store.tenancy.ensureSetting('artifact_signing_key', fresh)));
  }

  sign(a: Pick<ArtifactRef, 'kind' | 'name' | 'version' | 'sha256' | 'size'>): { signature: string; keyId: string } {
    return this.signBytes(artifactSignedPayload(a));
  }

  /** The same key over other canonical bytes (a processor bundle's `signedPayload`): base64 ed25519. */
  signBytes(payload: Buffer): { signature: string; keyId: string } {
    return { signature: sign(null, payload, this.privateKey).toString('base64'), keyId: this.keyId };
  }
}
