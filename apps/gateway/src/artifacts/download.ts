import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OutpostError } from '@outpost/contract';
import { verifyArtifact, type ArtifactRef } from '@outpost/contract/artifacts';

/** GET on the hub with the device token (HubClient.getRaw). */
export type HubGet = (path: string, headers?: Record<string, string>) => Promise<Response>;

/**
 * Download an artifact into `dir` and verify it: resumes a `.part` file left by an interrupted
 * download with `Range: bytes=<have>-`, checks size, SHA-256 and the hub signature, and only then
 * renames it to its final name. Returns the verified file; a mismatch deletes nothing but the part.
 */
export async function downloadVerified(get: HubGet, ref: ArtifactRef, dir: string, hubKeyPem: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const final = join(dir, `${ref.kind}-${ref.name}-${ref.version}-${ref.sha256.slice(0, 16)}`);
  if (existsSync(final)) {
    verifyArtifact(ref, readFileSync(final), hubKeyPem);
    return final;
  }
  const part = `${final}.part`;
  const have = existsSync(part) ? statSync(part).size : 0;
  if (have < ref.size) {
    const path = `/v1/artifacts/${ref.kind}/${encodeURIComponent(ref.name)}/${encodeURIComponent(ref.version)}/content`;
    const res = await get(path, have > 0 ? { range: `bytes=${have}-` } : {});
    if (res.status !== 200 && res.status !== 206) throw new OutpostError('ERR_ARTIFACT_INSTALL', `download of ${ref.kind} ${ref.name}@${ref.version} failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    // A 200 answers a range request with the whole file: start over.
    const out = createWriteStream(part, { flags: res.status === 206 ? 'a' : 'w' });
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    } finally {
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    }
  }
  const content = readFileSync(part);
  try {
    verifyArtifact(ref, content, hubKeyPem);
  } catch (e) {
    // A bad part must not be resumed from again.
    renameSync(part, `${part}.rejected`);
    throw e;
  }
  renameSync(part, final);
  return final;
}
