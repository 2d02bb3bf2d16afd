import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tempDir, waitFor } from '@outpost/testing';
import { run } from '../run.js';
import { captureIo } from '../test-io.js';

test('outpost gateway supervise: installs the first bundle into slot a, runs its entry with the arguments after --, stops on a signal; without a bundle it says what to do', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const seen = `${tmp.dir}/argv.json`;
  const entry = `require('node:fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify(process.argv.slice(2).concat(process.env.OUTPOST_SOFTWARE_VERSION)));\nsetInterval(() => {}, 1000);\n`;
  const bundle = `${tmp.dir}/bundle.json`;
  writeFileSync(bundle, JSON.stringify({ format: 'outpost.bundle/1', version: '1.0.0', entry: 'main.cjs', files: { 'main.cjs': Buffer.from(entry).toString('base64') } }));
  let stop!: (s: string) => void;
  const io = captureIo({}, new Promise<string>((r) => { stop = r; }));
  const done = run(['gateway', 'supervise', '--root', `${tmp.dir}/ota`, '--init', bundle, '--', 'gateway', '--config', '/etc/outpost.yaml'], io);
  await waitFor(() => existsSync(seen), { timeoutMs: 20_000, what: 'the slot entry ran' });
  assert.deepEqual(JSON.parse(readFileSync(seen, 'utf8')), ['gateway', '--config', '/etc/outpost.yaml', '1.0.0']);
  assert.match(io.stdout(), /outpost gateway supervise: .*slots\/a \(1\.0\.0\)/);
  stop('SIGTERM');
  assert.equal(await done, 0, io.stderr());

  const empty = captureIo();
  assert.equal(await run(['gateway', 'supervise', '--root', `${tmp.dir}/other`], empty), 2);
  assert.match(empty.stderr(), /no slot holds a software bundle yet; give --init <bundle.json>/);
});
