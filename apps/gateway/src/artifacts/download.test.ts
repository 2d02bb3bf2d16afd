import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isOutpostError } from '@outpost/contract';
import type { ArtifactRef } from '@outpost/contract/artifacts';
import { tempDir } from '@outpost/testing';
import { HubClient } from '../hub-client/client.js';
import { downloadVerified } from './download.js';
import { fleetHub } from './fleet-kit.js';

test('download: an interrupted download resumes with Range from its .part file and is verified; a corrupt part is set aside and refused', async (t) => {
  const tmp = tempDir('outpost-download-');
  const hub = await fleetHub(`${tmp.dir}/hub`);
  t.after(async () => { await hub.stop(); tmp.cleanup(); });
  const content = Buffer.from(JSON.stringify({ rules: Array.from({ length: 5000 }, (_, i) => `r${i}`) }));
  const ref = (await hub.api('PUT', '/v1/artifacts/rule/big/1', undefined, content)).json as ArtifactRef;
  const key = (await hub.api('GET', '/v1/artifacts/signing-key')).json.publicKeyPem as string;
  const client = new HubClient({ hubUrl: hub.url, hardwareId: 'hw-dl', registrationToken: (await hub.api('POST', '/v1/registration-tokens', {})).json.token, stateFile: join(tmp.dir, 'state.json'), health: () => ({ status: 'online' }), applyConfig: async () => undefined });
  await client.ensureRegistered();
  const ranges: Array<string | undefined> = [];
  const get = (p: string, h: Record<string, string> = {}) => { ranges.push(h.range); return client.getRaw(p, h); };

  // Half of it arrived before the link dropped.
  const dir = join(tmp.dir, 'store');
  mkdirSync(dir, { recursive: true });
  const final = join(dir, `rule-big-1-${ref.sha256.slice(0, 16)}`);
  writeFileSync(`${final}.part`, content.subarray(0, 20_000));
  assert.equal(await downloadVerified(get, ref, dir, key), final);
  assert.deepEqual(ranges, ['bytes=20000-']);
  assert.deepEqual(readFileSync(final), content);
  assert.ok(!existsSync(`${final}.part`));

  // A part whose bytes were corrupted: the whole is refused and the part is not resumed from again.
  const ref2 = (await hub.api('PUT', '/v1/artifacts/rule/big/2', undefined, content)).json as ArtifactRef;
  const final2 = join(dir, `rule-big-2-${ref2.sha256.slice(0, 16)}`);
  writeFileSync(`${final2}.part`, Buffer.alloc(20_000, 0x20));
  await assert.rejects(downloadVerified(get, ref2, dir, key), (e) => isOutpostError(e, 'ERR_ARTIFACT_VERIFY') && /content has SHA-256/.test(e.message));
  assert.ok(existsSync(`${final2}.part.rejected`) && !existsSync(`${final2}.part`) && !existsSync(final2));
  assert.deepEqual(readFileSync(await downloadVerified(get, ref2, dir, key)), content, 'the next attempt downloads it whole');
  assert.equal(ranges.at(-1), undefined);
});
