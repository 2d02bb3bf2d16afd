import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { publishedSchema } from '@outpost/config';
import { buildProgram, run } from './run.js';
import { captureIo } from './test-io.js';

function allCommandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.filter((c) => c.name() !== 'help').flatMap((c) => {
    const path = [...prefix, c.name()];
    return [path, ...allCommandPaths(c, path)];
  });
}

test('--help works on every verb (exit 0) and shows its usage', async () => {
  const paths = allCommandPaths(buildProgram(captureIo()));
  for (const verb of [['dev'], ['gateway'], ['gateway', 'query'], ['hub'], ['config'], ['config', 'check'], ['config', 'print'], ['config', 'schema']]) {
    assert.ok(paths.some((p) => p.join(' ') === verb.join(' ')), `verb ${verb.join(' ')} is registered`);
  }
  for (const path of [[], ...paths]) {
    const io = captureIo();
    const code = await run([...path, '--help'], io);
    assert.equal(code, 0, `outpost ${path.join(' ')} --help`);
    assert.match(io.stdout(), new RegExp(`^Usage: outpost${path.length ? ` ${path.join(' ')}` : ''} `), `help of ${path.join(' ')}`);
  }
});

test('top-level help documents the exit codes', async () => {
  const io = captureIo();
  assert.equal(await run(['--help'], io), 0);
  assert.match(io.stdout(), /Exit codes:\n {2}0 {2}success.*\n {2}1 {2}runtime failure\n {2}2 {2}usage error or invalid configuration\n {2}3 {2}a configured port is already in use/);
});

test('usage errors exit 2: unknown command, unknown option, missing verb, bad argument', async () => {
  const cases: [string[], RegExp][] = [
    [['nope'], /unknown command 'nope'/],
    [['gateway', '--bogus'], /unknown option '--bogus'/],
    [['config'], /Usage: outpost config/],
    [['gateway', 'query', '--from', 'yesterday-ish'], /expected now, epoch ms, an ISO date .* got "yesterday-ish"/],
    [['gateway', 'query', '--limit', '0'], /expected a positive integer; got "0"/],
    [['config', 'check', '--set', 'gateway.http.port'], /gateway\.http\.port: expected path=value/],
  ];
  for (const [argv, message] of cases) {
    const io = captureIo();
    assert.equal(await run(argv, io), 2, argv.join(' '));
    assert.match(io.stderr() + io.stdout(), message, argv.join(' '));
  }
});

test('--version prints the version and exits 0', async () => {
  const io = captureIo();
  assert.equal(await run(['--version'], io), 0);
  assert.equal(io.stdout(), '0.1.0\n');
});

test('config check: valid exits 0; invalid exits 2 listing every problem with its source', async () => {
  const ok = captureIo();
  assert.equal(await run(['config', 'check'], ok), 0);
  assert.equal(ok.stdout(), 'configuration is valid (built-in defaults)\n');

  const bad = captureIo({ OUTPOST_GATEWAY_HTTP_PORT: 'abc' });
  assert.equal(await run(['config', 'check', '--set', 'hub.port=70000'], bad), 2);
  assert.equal(bad.stderr(), [
    'error [ERR_CONFIG_INVALID]: invalid configuration (2 problems):',
    '  - gateway.http.port: expected integer 0–65535, got "abc" (from env OUTPOST_GATEWAY_HTTP_PORT)',
    '  - hub.port: expected integer 0–65535, got 70000 (from --set hub.port)',
    '',
  ].join('\n'));

  const missing = captureIo();
  assert.equal(await run(['config', 'check', '--config', '/nonexistent.yaml'], missing), 2);
  assert.match(missing.stderr(), /error \[ERR_CONFIG_FILE\]: cannot read config file \/nonexistent\.yaml: file not found/);
});

test('OUTPOST_CONFIG names the file when --config is absent', async () => {
  const io = captureIo({ OUTPOST_CONFIG: new URL('../../../examples/outpost.yaml', import.meta.url).pathname });
  assert.equal(await run(['config', 'print', '--json'], io), 0);
  assert.equal(JSON.parse(io.stdout()).gateway.id, 'gw-plant-1');
});

test('config print shows defaults and redacts secrets unless asked', async () => {
  const env = { OUTPOST_GATEWAY_HTTP_TOKEN: 'secret-token-0123456789', OUTPOST_GATEWAY_MQTT_USERNAME: 'u', OUTPOST_GATEWAY_MQTT_PASSWORD: 'pw' };
  const io = captureIo(env);
  assert.equal(await run(['config', 'print', '--json'], io), 0);
  const printed = JSON.parse(io.stdout());
  assert.equal(printed.gateway.http.port, 8081);
  assert.equal(printed.gateway.http.token, '<redacted>');
  assert.equal(printed.gateway.mqtt.password, '<redacted>');
  const shown = captureIo(env);
  assert.equal(await run(['config', 'print', '--json', '--show-secrets'], shown), 0);
  assert.equal(JSON.parse(shown.stdout()).gateway.http.token, 'secret-token-0123456789');
  const yaml = captureIo();
  assert.equal(await run(['config', 'print'], yaml), 0);
  assert.match(yaml.stdout(), /^gateway:\n {2}id: gw-local\n/);
});

test('config schema prints the published JSON Schema; config env lists variables', async () => {
  const io = captureIo();
  assert.equal(await run(['config', 'schema'], io), 0);
  assert.deepEqual(JSON.parse(io.stdout()), publishedSchema());
  const env = captureIo();
  assert.equal(await run(['config', 'env'], env), 0);
  assert.match(env.stdout(), /^OUTPOST_GATEWAY_HTTP_PORT +gateway\.http\.port$/m);
});
