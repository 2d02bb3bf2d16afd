/**
 * ed25519 signatures over processor bundles (node:crypto). The hub signs, gateways verify before
 * anything is compiled. The signed bytes are a canonical JSON of the manifest (keys sorted) and
 * the SHA-256 of the source, so neither can change without breaking the signature.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { OutpostError } from '@outpost/contract';
import type { ProcessorBundle } from './manifest.js';

export interface BundleSignature {
  algorithm: 'ed25519';
  /** Which key signed: first 16 hex digits of the SHA-256 of the public key (SPKI DER). */
  keyId: string;
  /** Base64 signature. */
  value: string;
}

export interface SignedBundle extends ProcessorBundle {
  signature: BundleSignature;
}

export interface SigningKeys {
  keyId: string;
  publicKeyPem: string;
  privateKeyPem: string;
}

export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export function generateSigningKeys(): SigningKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.keys(v as object).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    return `{${entries.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The exact bytes that are signed. */
export function signedPayload(bundle: ProcessorBundle): Buffer {
  const sourceSha256 = createHash('sha256').update(bundle.source).digest('hex');
  return Buffer.from(canonical({ format: 'outpost.processor-bundle/1', manifest: bundle.manifest, sourceSha256 }));
}

export function signBundle(bundle: ProcessorBundle, privateKeyPem: string): SignedBundle {
  const privateKey = createPrivateKey(privateKeyPem);
  const keyId = keyIdOf(createPublicKey(privateKey));
  const value = sign(null, signedPayload(bundle), privateKey).toString('base64');
  return { manifest: bundle.manifest, source: bundle.source, signature: { algorithm: 'ed25519', keyId, value } };
}

/**
 * Throws ERR_PROCESSOR_SIGNATURE unless `bundle` carries a valid ed25519 signature by one of the
 * trusted public keys (PEM). Runs before validation or compilation of anything in the bundle.
 */
export function verifyBundle(bundle: SignedBundle, trustedPublicKeys: readonly string[]): void {
  const sig = bundle?.signature;
  const name = `${String(bundle?.manifest?.name)}@${String(bundle?.manifest?.version)}`;
  if (sig === undefined || sig === null || sig.algorithm !== 'ed25519' || typeof sig.value !== 'string' || typeof sig.keyId !== 'string') {
    throw new OutpostError('ERR_PROCESSOR_SIGNATURE', `processor ${name} has no ed25519 signature; expected signature {algorithm: 'ed25519', keyId, value}`);
  }
  const key = trustedPublicKeys.map((pem) => createPublicKey(pem)).find((k) => keyIdOf(k) === sig.keyId);
  if (key === undefined) throw new OutpostError('ERR_PROCESSOR_SIGNATURE', `processor ${name} is signed by key ${sig.keyId}, which is not trusted here`, { keyId: sig.keyId });
  let ok = false;
  try {
    ok = typeof bundle.source === 'string' && verify(null, signedPayload(bundle), key, Buffer.from(sig.value, 'base64'));
  } catch {
    ok = false;
  }
  if (!ok) throw new OutpostError('ERR_PROCESSOR_SIGNATURE', `processor ${name}: the signature does not match the manifest and source (altered after signing?)`, { keyId: sig.keyId });
}
