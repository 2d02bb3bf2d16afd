// A user signs in, registers a gateway with a token made in the dashboard, sees it come online
// without reloading, and opens its overview. Real hub, gateway and simulator; Debian's Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, signIn } from './browser.js';
import { ADMIN, startStack } from './stack.js';

test('sign in, register a gateway with a token and see it come online; switch organisation; a member at tablet width sees but cannot change', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const stack = await startStack(t);
  const { page, errors, shot } = await openApp(browser, stack.hub.url);

  // A wrong password is refused with the hub's own error; the right one opens the fleet.
  await signIn(page, ADMIN.email, 'not the password');
  await page.getByRole('alert').filter({ hasText: 'ERR_AUTH_INVALID' }).waitFor();
  await shot('signin-error');
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole('heading', { name: /Fleet/ }).waitFor();
  await page.getByText('No devices yet').waitFor();
  await page.locator('.live').waitFor();

  // A registration token, shown once, copied off the page and given to a new gateway.
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.locator('[data-secret]').textContent())?.trim() ?? '';
  assert.match(token, /^ort_/);
  await shot('fleet-token');
  const gw = await stack.gateway(token, 'press-line-1', [{ id: 'pump-1', kind: 'pump' }]);

  // It appears and turns online in the open list, with no reload.
  const row = page.locator(`tr[data-device="${gw.deviceId}"]`);
  await row.getByText('online').waitFor();
  assert.match(await row.textContent() ?? '', /press-line-1/);
  await page.getByRole('table', { name: 'Registration tokens' }).getByText('used').waitFor();
  await shot('fleet');

  // The device's overview: health and the uplink buffer per priority class.
  await row.getByRole('link').click();
  await page.getByRole('tab', { name: 'Overview' }).waitFor();
  await page.getByText('Uplink buffer').waitFor();
  await page.getByLabel('Health').getByText(/gateway: running/).waitFor();
  await shot('device-overview');

  // A system admin switches to another organisation: its (empty) fleet, not Plant's.
  const depot = await stack.api('POST', '/v1/orgs', { name: 'Depot' }, stack.adminToken);
  await page.goto('/fleet');
  await page.getByLabel('Organisation').selectOption({ label: 'Depot' });
  await page.getByText('No devices yet').waitFor();
  await page.getByLabel('Organisation').selectOption({ label: 'Plant' });
  await page.locator(`tr[data-device="${gw.deviceId}"]`).waitFor();
  assert.equal(depot.status, 201);
  assert.deepEqual(errors, []);

  // A member sees the fleet but none of the controls that change it; at tablet width.
  assert.equal((await stack.api('POST', '/v1/users', { email: 'op@plant.test', password: ADMIN.password, role: 'member' }, stack.adminToken)).status, 201);
  const member = await openApp(browser, stack.hub.url, { width: 820, height: 1180 });
  await signIn(member.page, 'op@plant.test', ADMIN.password);
  await member.page.locator(`tr[data-device="${gw.deviceId}"]`).getByText('online').waitFor();
  assert.equal(await member.page.getByRole('button', { name: 'Create token' }).count(), 0);
  assert.equal(await member.page.getByLabel('Organisation').count(), 0, 'no org switcher for a member');
  await member.shot('fleet-member-tablet');
  await member.page.getByRole('link', { name: 'Settings' }).click();
  await member.page.getByText('visible to organisation admins').waitFor();
  await member.page.goto(`/fleet/devices/${gw.deviceId}/config`);
  await member.page.getByLabel('Config JSON').waitFor();
  assert.equal(await member.page.getByRole('button', { name: 'Save and push' }).count(), 0);
  assert.deepEqual(member.errors, []);
});
