// Deployments as an operator sees them, against a real hub and a hub-linked gateway: deployments
// created through the API are listed with per-state device counts; the detail shows per-device
// state and failures grouped by reason; an admin pauses, resumes, cancels and rolls back with the
// real API; a member at tablet width sees the same pages without those buttons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { launch, openApp, signIn } from './browser.js';
import { ADMIN, startStack } from './stack.js';

const node = (id: string, kind: string, config: Record<string, unknown>) => ({ id, kind, typeVersion: 1, config });
/** A pipeline document; `expression` decides whether the gateway can compile it. */
const pipeline = (id: string, expression: string) => ({
  schemaVersion: 1, id,
  nodes: [node('in', 'input', { metrics: ['flow'] }), node('calc', 'transform', { ops: [{ op: 'derive', metric: 'flow_x', expression }] }), node('db', 'store', { table: 'points' })],
  edges: [{ from: 'in', to: 'calc' }, { from: 'calc', to: 'db' }],
});

test('deployments: list with progress per state, per-device state and failures by reason, admin actions on the real API, read-only for members', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const stack = await startStack(t);
  const reg = await stack.api('POST', '/v1/registration-tokens', {}, stack.adminToken);
  const gw = await stack.gateway(reg.json.token, 'press-line', [{ id: 'pump-1', kind: 'pump' }]);
  const api = (method: string, path: string, body?: unknown) => stack.api(method, path, body, stack.adminToken);
  const deployment = async (id: string) => (await api('GET', `/v1/deployments/${id}`)).json;

  // Through the API: one version the gateway compiles, one it refuses (a syntax error in an expression), one canary that soaks.
  for (const [name, v, expr] of [['flow-scale', '1', 'value * 2'], ['flow-scale', '2', 'value * * 2'], ['flow-soak', '1', 'value + 1']] as const) {
    const put = await api('PUT', `/v1/artifacts/pipeline/${name}/${v}`, pipeline(name, expr));
    assert.equal(put.status, 201, put.text);
  }
  const create = async (body: Record<string, unknown>) => { const r = await api('POST', '/v1/deployments', { target: { devices: [gw.deviceId] }, healthS: 0, start: true, ...body }); assert.equal(r.status, 201, r.text); return r.json.id as string; };
  const good = await create({ name: 'scale v1', artifact: { kind: 'pipeline', name: 'flow-scale', version: '1' } });
  await waitFor(async () => (await deployment(good)).state === 'completed', { timeoutMs: 30_000, what: 'v1 completed' });
  const broken = await create({ name: 'scale v2', artifact: { kind: 'pipeline', name: 'flow-scale', version: '2' } });
  await waitFor(async () => (await deployment(broken)).state === 'completed', { timeoutMs: 30_000, what: 'v2 settled' });
  // A canary soaks only when there is a rest to release after it: a second registered device (it never
  // reports) makes two batches, so the deployment stays running (soaking or waiting) for the actions below.
  const ghost = await stack.api('POST', '/v1/register', { token: (await api('POST', '/v1/registration-tokens', {})).json.token, hardwareId: 'spare-1' });
  assert.equal(ghost.status, 201, ghost.text);
  const soak = await create({ name: 'soak canary', artifact: { kind: 'pipeline', name: 'flow-soak', version: '1' }, strategy: { kind: 'canary', count: 1, soakS: 600 }, target: { devices: [gw.deviceId, ghost.json.deviceId] } });

  const { page, errors, shot } = await openApp(browser, stack.hub.url);
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole('link', { name: 'Deployments' }).click();
  const list = page.getByRole('table', { name: 'Deployments' });
  const brokenRow = list.locator(`tr[data-deployment="${broken}"]`);
  await brokenRow.locator('[data-state="failed"]').getByText('failed 1').waitFor();
  assert.match(await brokenRow.innerText(), /pipeline\s+flow-scale\s+v2[\s\S]*immediate[\s\S]*device[\s\S]*completed/);
  await list.locator(`tr[data-deployment="${good}"]`).locator('[data-state="active"]').waitFor();
  await list.locator(`tr[data-deployment="${soak}"]`).getByText('canary 1, soak 600 s').waitFor();
  await shot('deployments');

  // Detail of the refused version: the device failed, with the gateway's reason, grouped by reason.
  await brokenRow.getByRole('link', { name: 'scale v2' }).click();
  const failures = page.getByRole('table', { name: 'Failures by reason' });
  await failures.getByText(/node 'calc'/).waitFor();
  const deviceRow = page.getByRole('table', { name: 'Device states' }).locator(`tr[data-device="${gw.deviceId}"]`);
  await deviceRow.getByText('failed', { exact: true }).waitFor();
  assert.match(await deviceRow.innerText(), /press-line[\s\S]*v2[\s\S]*was v1[\s\S]*failed[\s\S]*ago[\s\S]*node 'calc'/);
  await shot('deployment-detail');
  // Roll back (the only action a completed deployment allows): the real API reverts it.
  const actions = page.getByRole('group', { name: 'Deployment actions' });
  assert.deepEqual(await actions.getByRole('button').allInnerTexts(), ['Roll back']);
  await actions.getByRole('button', { name: 'Roll back' }).click();
  await page.getByRole('heading', { name: /scale v2/ }).getByText('rolled back').waitFor();
  assert.equal((await deployment(broken)).state, 'rolled_back');

  // The soaking canary: pause, resume, cancel.
  await page.goto(`/deployments/${soak}`);
  const heading = page.getByRole('heading', { name: /soak canary/ });
  await heading.getByText('running').waitFor();
  // Canary released, the rest not yet: one device in flight or active, the other skipped... until the soak ends.
  await page.getByRole('table', { name: 'Device states' }).locator('tbody tr').nth(1).waitFor();
  await actions.getByRole('button', { name: 'Pause' }).click();
  await heading.getByText('paused').waitFor();
  assert.equal((await deployment(soak)).state, 'paused');
  await actions.getByRole('button', { name: 'Resume' }).click();
  await heading.getByText('running').waitFor();
  await actions.getByRole('button', { name: 'Cancel' }).click();
  await heading.getByText('cancelled').waitFor();
  assert.equal((await deployment(soak)).state, 'cancelled');
  assert.deepEqual(errors, []);

  // A member at tablet width: the same list and detail, no buttons that change anything.
  assert.equal((await api('POST', '/v1/users', { email: 'viewer@plant.test', password: ADMIN.password, role: 'member' })).status, 201);
  const member = await openApp(browser, stack.hub.url, { width: 820, height: 1180 });
  await signIn(member.page, 'viewer@plant.test', ADMIN.password);
  await member.page.getByRole('link', { name: 'Deployments' }).click();
  await member.page.getByRole('table', { name: 'Deployments' }).locator(`tr[data-deployment="${broken}"]`).getByText('rolled back', { exact: true }).waitFor();
  await member.page.getByRole('link', { name: 'scale v2' }).click();
  await member.page.getByRole('table', { name: 'Device states' }).locator(`tr[data-device="${gw.deviceId}"]`).waitFor();
  assert.equal(await member.page.getByRole('group', { name: 'Deployment actions' }).count(), 0);
  assert.equal(await member.page.getByRole('button', { name: /Roll back|Pause|Cancel/ }).count(), 0);
  await member.shot('deployment-member-tablet');
  assert.deepEqual(member.errors, []);
});
