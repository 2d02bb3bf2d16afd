import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { silentLogger } from '@outpost/contract';
import { loadConfig } from '@outpost/config';
import { GatewayIngestor } from '@outpost/ingest';
import { GatewayStore } from '@outpost/storage';
import { tempDir } from '@outpost/testing';
import { startGatewayAlerts } from './wiring.js';
import { ruleSetReloader } from './rule-sets.js';

const hot = { id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 90, clear: 80 };
const cold = { id: 'cold', kind: 'threshold', metric: 'temp', op: '<', raise: 5, clear: 10 };

test('rule sets from the hub run beside the config rules; a bad set is refused naming it and changes nothing; a file-drop reload activates and removes a set', async (t) => {
  const tmp = tempDir('outpost-rule-sets-');
  t.after(tmp.cleanup);
  const store = GatewayStore.open({ path: `${tmp.dir}/gateway.db`, synchronous: 'normal' });
  const ingestor = new GatewayIngestor({ store });
  const config = loadConfig({ overrides: { gateway: { id: 'gw', dataDir: tmp.dir, alerts: { rules: [hot] } } } }).gateway;
  const alerts = startGatewayAlerts({ config, store, ingestor, logger: silentLogger, now: Date.now })!;
  t.after(async () => { await alerts.stop(); await ingestor.close(); store.close(); });
  let ts = Date.now();
  const send = async (value: number) => {
    await ingestor.ingest({ source: 'test', origin: 'test', candidates: [{ device: 'oven', metric: 'temp', ts: ++ts, value }], receivedAt: ts });
  };
  const open = () => alerts.engine.query({ state: 'open' }).map((a) => a.rule).sort();

  await alerts.ruleSets.set('freezer', [cold]);
  await send(2);
  assert.deepEqual(open(), ['cold'], 'the set\'s rule runs');

  await assert.rejects(alerts.ruleSets.set('bad', [{ ...hot, id: 'x', raise: 1, clear: 5 }]), (e: Error & { code?: string }) => e.code === 'ERR_CONFIG_INVALID' && /^rule set "bad"\.rules\[0\]\.raise/.test(e.message));
  await assert.rejects(alerts.ruleSets.set('dup', [hot]), /rule set "dup"\.rules\[0\]\.id: duplicate rule id "hot"/);
  assert.deepEqual(alerts.ruleSets.names(), ['freezer'], 'refused sets change nothing');
  await send(95);
  assert.deepEqual(open(), ['hot'], 'config and set rules still run: hot raised, cold cleared at 95');

  // The artifact agent's file-drop installer calls the reloader with the file, then null to remove it.
  const reload = ruleSetReloader(() => alerts.ruleSets);
  const file = `${tmp.dir}/freezer-2`;
  writeFileSync(file, JSON.stringify({ rules: [{ ...cold, raise: 0, clear: 3 }] }));
  await reload('freezer', file);
  await send(1);
  assert.deepEqual(open(), [], 'hot cleared at 1, and the new version of the set (below 0) does not fire at 1 as the old one (below 5) would');
  writeFileSync(file, '{not json');
  await assert.rejects(reload('freezer', file), /rule set "freezer"\.rules: the rule set is not valid JSON/);
  await reload('freezer', null);
  assert.deepEqual(alerts.ruleSets.names(), []);
  await send(-5);
  assert.deepEqual(open(), [], 'a removed set no longer runs (its last version would fire below 0)');
  await assert.rejects(ruleSetReloader(() => undefined)('x', file), /gateway\.alerts\.enabled is false/);
});
