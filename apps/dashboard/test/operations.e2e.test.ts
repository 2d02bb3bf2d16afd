// Day-to-day operations against a real hub, gateway and simulator in Chromium: push a config and
// roll it back, raise an alert from simulated data with a cloud rule made in the rule editor and
// acknowledge it, explore and export the data, create an API key (secret once) and revoke it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { waitFor } from '@outpost/testing';
import { launch, openApp, signIn } from './browser.js';
import { ADMIN, startStack } from './stack.js';

test('push a config and roll it back, raise and acknowledge an alert, export data, create and revoke an API key', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const stack = await startStack(t);
  const reg = await stack.api('POST', '/v1/registration-tokens', {}, stack.adminToken);
  const gw = await stack.gateway(reg.json.token, 'pump-station', [{ id: 'pump-1', kind: 'pump' }]);
  const device = async () => (await stack.api('GET', `/v1/devices/${gw.deviceId}`, undefined, stack.adminToken)).json;
  const { page, errors, shot } = await openApp(browser, stack.hub.url);
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole('heading', { name: /Fleet/ }).waitFor();

  // Configuration: an invalid value is underlined while typing (the hub's gateway config schema) and
  // blocks saving; the hub refuses the same config; a valid one is pushed and applied.
  await page.goto(`/fleet/devices/${gw.deviceId}/config`);
  const editor = page.getByLabel('Config JSON');
  const save = page.getByRole('button', { name: 'Save and push' });
  await editor.fill('{\n  "ingest": { "maxFutureMs": "soon" },\n  "log": { "level": "info" }\n}');
  const problems = page.getByRole('alert').filter({ hasText: 'ingest.maxFutureMs' });
  await problems.getByText(/must be (integer|number)/).waitFor();
  await page.locator('.cm-lintRange-error').first().waitFor();
  assert.equal(await page.locator('.cm-lintRange-error').first().innerText(), '"maxFutureMs": "soon"', 'the diagnostic sits on the offending key');
  assert.equal(await page.locator('.cm-lint-marker-error').count(), 1, 'one gutter marker, on the offending line');
  assert.equal(await save.isDisabled(), true, 'Save is blocked while the config is invalid');
  await page.getByText('Fix the problem above to save.').waitFor();
  await shot('device-config-invalid');
  const refused = await stack.api('POST', `/v1/devices/${gw.deviceId}/configs`, { config: { ingest: { maxFutureMs: 'soon' } } }, stack.adminToken);
  assert.equal(refused.status, 422, 'the hub refuses what the editor flags');
  await editor.fill('{ "ingest": { "maxFutureMs": 1000 }');
  await problems.waitFor({ state: 'detached' });
  await page.getByRole('alert').filter({ hasText: '(JSON syntax)' }).waitFor();
  assert.equal(await save.isDisabled(), true, 'a syntax error blocks saving too');
  await editor.fill('{ "ingest": { "maxFutureMs": 1000 } }');
  await page.locator('.cm-lintRange-error').first().waitFor({ state: 'detached' });
  await save.click();
  await page.locator('tr[data-version="1"]').getByText('active').waitFor();
  await page.getByText('Applied on the device: d1').waitFor();
  await editor.fill('{ "ingest": { "maxFutureMs": 2000 } }');
  await page.getByRole('button', { name: 'Save and push' }).click();
  await page.getByText('Applied on the device: d2').waitFor();
  await page.locator('tr[data-version="1"]').getByLabel('from').check();
  await page.locator('tr[data-version="2"]').getByLabel('to').check();
  await page.getByLabel('Diff v1 → v2').getByText('"maxFutureMs": 2000').waitFor();
  await shot('device-config');
  // Roll back to version 1: the gateway restarts on it.
  await page.locator('tr[data-version="1"]').getByRole('button', { name: 'Roll back to this' }).click();
  await page.getByText('Applied on the device: d1').waitFor();
  assert.deepEqual([(await device()).appliedConfig, (await device()).desiredConfig], ['d1', 'd1']);
  assert.equal(gw.link.config().ingest.maxFutureMs, 1000, 'the running gateway has the rolled-back setting');

  // Metrics (system from heartbeats, telemetry from the uplinked simulator data) and logs.
  await page.getByRole('tab', { name: 'Metrics' }).click();
  await page.getByRole('img', { name: /pump-1\/flow/ }).waitFor();
  await page.getByRole('img', { name: 'CPU load per core (%)' }).waitFor();
  await page.getByRole('img', { name: 'Memory and disk use (%)' }).waitFor();
  await shot('device-metrics');
  // Logs: a malformed body sent to the gateway's HTTP ingest is rejected and logged by its ingest
  // service; the service filter narrows the list (on the hub) to that service's lines.
  const gwHttp = gw.link.gateway()!.addresses.http;
  const bad = await fetch(`${gwHttp.startsWith('http') ? gwHttp : `http://${gwHttp}`}/v1/points`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"device": "pump-1", ' });
  assert.equal(bad.status, 400);
  await page.getByRole('tab', { name: 'Logs' }).click();
  const logTable = page.getByRole('table', { name: 'Logs' });
  await logTable.getByRole('row').filter({ hasText: 'rejected input' }).first().waitFor({ timeout: 20_000 });
  await logTable.getByRole('row').filter({ hasText: /gateway pump-station started/ }).first().waitFor();
  const serviceCells = async () => logTable.locator('tbody tr td:nth-child(3)').allInnerTexts();
  const all = await serviceCells();
  assert.ok(all.includes('ingest') && all.includes('gateway'), `lines of several services: ${[...new Set(all)].join(', ')}`);
  await page.getByLabel('Live tail').uncheck();
  await page.getByLabel('Service').selectOption('ingest');
  await waitFor(async () => { const s = await serviceCells(); return s.length > 0 && s.every((x) => x === 'ingest'); }, { timeoutMs: 10_000, what: 'only ingest lines' });
  const narrowed = await serviceCells();
  assert.ok(narrowed.length < all.length, `${narrowed.length} of ${all.length} lines`);
  await logTable.getByText(/rejected input/).first().waitFor();
  await shot('device-logs');

  // Alerts: a cloud rule on the simulator's pressure, made in the rule editor, raises an alert that is acknowledged.
  await page.getByRole('link', { name: 'Alerts' }).click();
  await page.getByRole('tab', { name: 'Rules' }).click();
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByLabel('Rule id').fill('pressure-seen');
  await page.getByLabel('Rule settings').fill('{ "metric": "pressure", "op": ">", "raise": -1000 }');
  await page.getByRole('button', { name: 'Keep rule' }).click();
  await page.getByRole('button', { name: 'Save rule set' }).click();
  await page.getByText(/Saved as version 1/).waitFor();
  await page.getByRole('tab', { name: 'Active' }).click();
  const alertRow = page.getByRole('table', { name: 'Active alerts' }).locator('tr', { hasText: 'pressure-seen' });
  await alertRow.getByText('raised').waitFor();
  await shot('alerts-active');
  await alertRow.getByRole('button', { name: 'Acknowledge' }).click();
  await alertRow.getByText('acknowledged').waitFor();
  const acked = (await stack.api('GET', '/v1/alerts?rule=pressure-seen', undefined, stack.adminToken)).json.items[0];
  assert.equal(acked.state, 'acknowledged');
  // The geofence editor draws a polygon from clicks on the plain projection.
  await page.getByRole('tab', { name: 'Rules' }).click();
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByLabel('Rule kind').selectOption('geofence');
  await page.getByLabel('Polygon (click corners)').check();
  const map = page.getByRole('img', { name: 'Geofence map' });
  for (const [x, y] of [[100, 100], [300, 100], [300, 250]] as const) await map.click({ position: { x, y } });
  assert.match(await page.getByLabel('Rule settings').inputValue(), /"polygon": \[/);
  await shot('alerts-geofence');
  await page.getByRole('button', { name: 'Cancel' }).click();

  // Data explorer: the simulator's pressure through the uplink, charted, tabled and exported.
  await page.getByRole('link', { name: 'Data' }).click();
  await page.getByLabel('Devices').selectOption(gw.deviceId);
  const metric = await waitFor(async () => (await page.getByLabel('Metrics').locator('option', { hasText: 'pressure' }).count()) > 0, { timeoutMs: 10_000, what: 'metric list' });
  assert.ok(metric);
  await page.getByLabel('Metrics').selectOption({ label: 'pump-station · pump-1/pressure' });
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByRole('table', { name: 'Data' }).locator('tbody tr').first().waitFor();
  await shot('data-explorer');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8');
  assert.match(csv, /^device,metric,time,ts,value,min,max,count\n/);
  assert.match(csv, new RegExp(`${gw.deviceId},pump-1/pressure,`));

  // Settings: an API key's secret is shown once, works, and stops working when revoked.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Name', { exact: true }).fill('reporting');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = (await page.locator('[data-secret]').textContent())?.trim() ?? '';
  assert.match(secret, /^opk_/);
  await shot('settings');
  const withKey = () => fetch(`${stack.hub.url}/v1/devices`, { headers: { 'x-api-key': secret } });
  assert.equal((await withKey()).status, 200);
  await page.locator('tr[data-key="reporting"]').getByRole('button', { name: 'Revoke' }).click();
  await page.locator('tr[data-key="reporting"]').getByText('revoked').waitFor();
  assert.equal((await withKey()).status, 401);
  // The audit log records the key's creation and revocation.
  await page.reload();
  await page.getByRole('table', { name: 'Audit log' }).getByText('revoke').first().waitFor();
  assert.deepEqual(errors, []);
});
