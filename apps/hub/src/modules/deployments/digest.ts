import { createHash } from 'node:crypto';
import type { DesiredArtifact } from '@outpost/contract/artifacts';

/** A short fingerprint of a device's desired artifacts: the long poll answers as soon as it changes. */
export const digestOf = (artifacts: readonly DesiredArtifact[]): string =>
  createHash('sha256').update(JSON.stringify(artifacts.map((a) => [a.deploymentId, a.kind, a.name, a.artifact?.version ?? null, a.artifact?.sha256 ?? null]))).digest('hex').slice(0, 16);
