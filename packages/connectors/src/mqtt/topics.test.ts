import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError } from '@outpost/contract';
import { compileTopicTemplates } from './topics.js';

test('default templates: the Outpost-native topic names the device; the seed SCADA topic maps asset → device and site → tag', () => {
  const m = compileTopicTemplates();
  assert.deepEqual(m.match('outpost/v1/inv-7/telemetry'), { template: 'outpost/v1/{device}/telemetry', defaults: { device: 'inv-7' } });
  assert.deepEqual(m.match('site/plant-a/scada/pump-2/telemetry'), {
    template: 'site/{site}/scada/{asset}/telemetry',
    defaults: { device: 'pump-2', tags: { site: 'plant-a' } },
  });
  assert.deepEqual(m.filters, ['outpost/v1/+/telemetry', 'site/+/scada/+/telemetry']);
});

test('topics that match no template, or leave a variable empty, do not match', () => {
  const m = compileTopicTemplates();
  for (const t of ['outpost/v1/inv-7', 'outpost/v1/inv-7/telemetry/extra', 'outpost/v2/x/telemetry', 'site//scada/p/telemetry', 'random']) {
    assert.equal(m.match(t), undefined, t);
    assert.equal(m.match(t), undefined, `${t} (cached)`);
  }
});

test('custom templates: a prefix, several tags, and templates without a device', () => {
  const m = compileTopicTemplates(['t1/{area}/{line}/{device}', { topic: 'fleet/{gw}/data', device: 'gw' }, 'plain/telemetry']);
  assert.deepEqual(m.match('t1/north/l3/m9')?.defaults, { device: 'm9', tags: { area: 'north', line: 'l3' } });
  assert.deepEqual(m.match('fleet/g1/data')?.defaults, { device: 'g1' });
  assert.deepEqual(m.match('plain/telemetry')?.defaults, {});
});

test('invalid templates are config errors that name the template and what was expected', () => {
  const bad: Array<[Parameters<typeof compileTopicTemplates>[0], RegExp]> = [
    [[], /expected at least one template/],
    [['a/#'], /"a\/#" has level "#"; expected a literal/],
    [['a/dev-{device}'], /has level "dev-\{device\}"/],
    [[{ topic: 'a/{x}', device: 'asset' }], /names device variable "asset" but has no \{asset\} level/],
  ];
  for (const [templates, msg] of bad) {
    assert.throws(() => compileTopicTemplates(templates), (e: unknown) => isOutpostError(e, 'ERR_CONFIG_INVALID') && msg.test(e.message));
  }
});

test('a + level matches any value and adds no tag (the payload names the metric)', () => {
  const m = compileTopicTemplates(['telemetry/{device}/+']);
  assert.deepEqual(m.filters, ['telemetry/+/+']);
  assert.deepEqual(m.match('telemetry/inv-007/temperature')?.defaults, { device: 'inv-007' });
  assert.equal(m.match('telemetry/inv-007/'), undefined, 'an empty level matches nothing');
  assert.equal(m.match('telemetry/inv-007'), undefined);
  assert.throws(() => compileTopicTemplates(['telemetry/{device}/x+']), /level "x\+"; expected a literal without \+ # \{ \}, a whole-level variable like \{device\}, or \+/);
});
