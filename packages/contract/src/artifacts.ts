/**
 * Artifacts: immutable, versioned files the hub sends to gateways (pipelines, rule sets,
 * processors, models, gateway software, configs). The hub hashes and signs each version with its
 * ed25519 key; a gateway verifies both before it stages anything. One format for every kind.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { OutpostError } from './errors.js';

export const ARTIFACT_KINDS = ['pipeline', 'rule', 'processor', 'model', 'software', 'config'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

/** Names and versions go into URLs and file names: keep them to a safe alphabet. */
export const ARTIFACT_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';

/** What identifies and proves one artifact version. */
export interface ArtifactRef {
  kind: ArtifactKind;
  name: string;
  version: string;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
  size: number;
  /** Base64 ed25519 signature over `artifactSignedPayload`. */
  signature: string;
  /** First 16 hex digits of the SHA-256 of the signing public key (SPKI DER). */
  keyId: string;
}

/** Per-device deployment states, the same on hub and gateway. */
export const DEVICE_DEPLOY_STATES = ['pending', 'downloading', 'installing', 'verifying', 'active', 'failed', 'rolled_back', 'skipped'] as const;
export type DeviceDeployState = (typeof DEVICE_DEPLOY_STATES)[number];

/** What the hub wants a device to run for one artifact name, as sent in the heartbeat response. */
export interface DesiredArtifact {
  /** The deployment that asked for it (reports name it). */
  deploymentId: string;
  kind: ArtifactKind;
  name: string;
  /** The version to run; null: remove it (a rollback to "nothing was installed"). */
  artifact: ArtifactRef | null;
  /** True when this is the deployment's rollback to the device's previous version. */
  rollback: boolean;
  /** Seconds the gateway's health check must pass after activation before it reports active. */
  healthS: number;
}

/** A gateway's progress on one deployment, sent in the heartbeat. */
export interface DeploymentReport {
  deploymentId: string;
  state: Exclude<DeviceDeployState, 'pending' | 'skipped'>;
  /** The version it runs now (after a rollback: the previous one). */
  version?: string | null;
  error?: string | null;
  /** Health figures for gates on pipelines and models: errors per processed point, and latency. */
  metrics?: { errorRate?: number; latencyMs?: number };
  at?: number;
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** The exact bytes the hub signs: kind, name, version and content hash, so none can change unnoticed. */
export function artifactSignedPayload(a: Pick<ArtifactRef, 'kind' | 'name' | 'version' | 'sha256' | 'size'>): Buffer {
  return Buffer.from(`outpost.artifact/1\n${a.kind}\n${a.name}\n${a.version}\n${a.sha256}\n${a.size}\n`);
}

/**
 * Throws ERR_ARTIFACT_VERIFY unless `content` hashes to `ref.sha256` and `ref` carries a valid
 * signature by `publicKeyPem`. Gateways call this before staging anything.
 */
export function verifyArtifact(ref: ArtifactRef, content: Uint8Array, publicKeyPem: string): void {
  const id = `${ref.kind} ${ref.name}@${ref.version}`;
  const actual = sha256Hex(content);
  if (content.byteLength !== ref.size || actual !== ref.sha256) {
    throw new OutpostError('ERR_ARTIFACT_VERIFY', `${id}: content has SHA-256 ${actual} (${content.byteLength} bytes), expected ${ref.sha256} (${ref.size} bytes)`);
  }
  const key = createPublicKey(publicKeyPem);
  if (keyIdOf(key) !== ref.keyId) throw new OutpostError('ERR_ARTIFACT_VERIFY', `${id}: signed by key ${ref.keyId}, which is not the hub key this gateway trusts (${keyIdOf(key)})`);
  let ok = false;
  try { ok = verify(null, artifactSignedPayload(ref), key, Buffer.from(ref.signature, 'base64')); } catch { ok = false; }
  if (!ok) throw new OutpostError('ERR_ARTIFACT_VERIFY', `${id}: the hub signature does not match kind, name, version and SHA-256 (altered after signing?)`);
}
