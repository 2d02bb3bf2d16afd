import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { T0, startTestGateway, testDir } from '../pipelines/gateway-fixture.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });

test('a pipeline alert node raises an alert in the gateway alert history (GET /v1/alerts)', async (t) => {
  const g = await startTestGateway(t, testDir(t), { alerts: { enabled: true } });
  const pipeline = {
    schemaVersion: 1, id: 'overheat',
    nodes: [node('in', 'input', { metrics: ['temp'] }), node('hot', 'alert', { rule: 'overheat', when: 'value > 90', severity: 'critical' })],
    edges: [{ from: 'in', to: 'hot' }],
  };
  const saved = await g.call('POST', '/v1/pipelines', { pipeline, activate: true });
  assert.ok(saved.status < 300, JSON.stringify(saved.json));
  await g.post([{ device: 'kiln-1', metric: 'temp', ts: T0 - 1000, value: 80 }, { device: 'kiln-1', metric: 'temp', ts: T0, value: 95 }]);
  const alerts = await waitFor(async () => {
    const r = await g.call('GET', '/v1/alerts');
    const list = (r.json?.alerts ?? []) as Array<{ device: string; severity: string; state: string }>;
    return list.length > 0 ? list : undefined;
  }, { what: 'the pipeline alert in /v1/alerts' });
  assert.equal(alerts.length, 1, JSON.stringify(alerts));
  assert.equal(alerts[0]!.device, 'kiln-1');
  assert.equal(alerts[0]!.severity, 'critical');
});
