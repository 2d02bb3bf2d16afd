// The scripts and processors pages against a real hub: run a script on samples in the hub's
// sandbox, publish it as a processor version, then on the processor's page fill its config form
// (generated from the manifest's schema), test-run the version and disable it; and the editor
// completes the process(data, context) API; a member sees all of it but none of the controls that change things.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { ADMIN, startStack } from './stack.js';
import { launch, openApp, signIn } from './browser.js';

const NAME = 'to-fahrenheit';

test('scripts: test run on samples, publish as a processor, config form from its schema, test the version, disable it; API completion in the editor', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const stack = await startStack(t);
  const app = await openApp(browser, stack.hub.url);
  const { page } = app;
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole('link', { name: 'Scripts' }).click();
  await page.getByTestId('code-editor').waitFor();

  // The starter script converts degC to degF; the hub runs it on the pasted samples.
  await page.getByRole('button', { name: 'Run on samples' }).click();
  const output = page.getByLabel('Script output');
  await output.waitFor();
  const points = JSON.parse(await output.innerText()) as Array<{ value: number; unit: string }>;
  assert.deepEqual(points.map((p) => [Math.round(p.value * 100) / 100, p.unit]), [[160.7, 'degF'], [199.76, 'degF']]);
  await app.shot('scripts-editor');

  // Publish it as a processor version with a config schema.
  const form = page.getByRole('form', { name: 'Publish as processor' });
  await form.getByLabel('name').fill(NAME);
  await form.getByLabel('description').fill('degC to degF');
  await form.getByLabel(/config schema/).fill(JSON.stringify({ type: 'object', properties: { offset: { type: 'number', description: 'added after conversion' } } }));
  await form.getByRole('button', { name: 'Publish' }).click();
  await page.getByText(`Published ${NAME} 1.0.0.`).waitFor();
  await page.getByRole('table', { name: 'Processors' }).getByRole('link', { name: NAME }).click();

  // The processor page: active version, the form generated from configSchema, a test run of the stored version.
  await page.getByRole('table', { name: 'Processor versions' }).getByText('active').waitFor();
  await page.getByLabel('offset').fill('1');
  await page.getByRole('button', { name: 'Run on samples' }).click();
  await page.getByTestId('script-result').waitFor();
  assert.match(await page.getByTestId('script-result').innerText(), /2 in → 2 out/);
  await app.shot('processor-detail');

  await page.getByRole('button', { name: 'Disable' }).click();
  await page.getByRole('button', { name: 'Enable' }).waitFor();
  const summary = await stack.api('GET', `/v1/processors/${NAME}`, undefined, stack.adminToken);
  assert.equal(summary.json.enabled, false, summary.text);

  // Completion of the sandbox API in the editor.
  await page.getByRole('link', { name: 'Scripts' }).click();
  const editor = page.getByLabel('Script source');
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nconst last = context.pre');
  const options = page.locator('.cm-tooltip-autocomplete li');
  await options.first().waitFor();
  assert.ok((await options.allInnerTexts()).some((o) => o.includes('previous')), (await options.allInnerTexts()).join(', '));
  await waitFor(() => page.locator('.cm-content').innerText().then((s) => s.includes('context.pre') || undefined), { what: 'typed text in the editor' });
  assert.deepEqual(app.errors, []);

  // A member sees the processor, the script editor and the pipeline builder, but no control that changes anything.
  const member = { email: 'viewer@plant.test', password: 'member password 1234' };
  const created = await stack.api('POST', '/v1/users', { ...member, role: 'member' }, stack.adminToken);
  assert.equal(created.status, 201, created.text);
  const viewer = await openApp(browser, stack.hub.url);
  await signIn(viewer.page, member.email, member.password);
  await viewer.page.getByRole('link', { name: 'Scripts' }).click();
  await viewer.page.getByRole('table', { name: 'Processors' }).getByRole('link', { name: NAME }).click();
  await viewer.page.getByRole('table', { name: 'Processor versions' }).getByText('1.0.0').waitFor();
  assert.equal(await viewer.page.getByRole('button', { name: /^(Enable|Disable|Activate)$/ }).count(), 0);
  await viewer.page.getByRole('link', { name: 'Scripts' }).click();
  await viewer.page.getByTestId('code-editor').waitFor();
  assert.equal(await viewer.page.getByRole('form', { name: 'Publish as processor' }).count(), 0);
  await viewer.page.getByRole('link', { name: 'Pipelines' }).click();
  await viewer.page.getByText('No saved pipelines yet').waitFor();
  assert.equal(await viewer.page.getByRole('link', { name: 'New pipeline' }).count(), 0);
  assert.deepEqual(viewer.errors, []);
});
