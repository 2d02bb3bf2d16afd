// The pipelines pages as a user drives them, against a real hub with a registered gateway and the
// simulator: build a pipeline by dragging nodes and connecting them, see the compiler's issue on
// the node that causes it, test it on replayed data and see the trace on the canvas, save it as a
// version, export and import it, diff two versions' outputs, and deploy it to the gateway (a rollout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { waitFor } from '@outpost/testing';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, startStack, type Stack } from './stack.js';
import { launch, openApp, signIn } from './browser.js';

const PIPELINE = 'pressure-check';

/** Drop a palette entry onto the canvas at (x, y) relative to the canvas. */
async function dragNode(page: Page, kind: string, x: number, y: number): Promise<void> {
  await page.locator(`.palette-item[data-kind="${kind}"]`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
  await page.getByTestId(`node-${kind}`).waitFor();
}

/** Connect an output handle of one node to the input handle of another by dragging with the mouse. */
async function connect(page: Page, from: string, fromPort: string, to: string): Promise<void> {
  const centre = async (selector: string) => {
    const box = await page.locator(selector).first().boundingBox();
    assert.ok(box, `${selector} is on screen`);
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  const a = await centre(`.react-flow__handle.source[data-nodeid="${from}"][data-handleid="${fromPort}"]`);
  const b = await centre(`.react-flow__handle.target[data-nodeid="${to}"]`);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

test('pipelines: drag and connect nodes, see a compile issue on its node, test on replayed data with the trace on the canvas, save and deploy', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const stack = await startStack(t);
  const token = await stack.api('POST', '/v1/registration-tokens', { ttlS: 3600 }, stack.adminToken);
  assert.equal(token.status, 201, token.text);
  const { deviceId, link, sim } = await stack.gateway(token.json.token, 'gw-pipes', [{ id: 'pump-1', kind: 'pump' }]);
  // The gateway goes first when the test ends: its open long poll would hold the hub's close.
  try {
    await drive(stack, deviceId, browser);
  } finally {
    await sim.stop();
    await link.stop();
  }
});

async function drive(stack: Stack, deviceId: string, browser: Browser): Promise<void> {
  const metric = 'pump-1/pressure';
  // The gateway uplinks the simulator's points; the hub stores them under the gateway's device id.
  const stored = await waitFor(async () => {
    const r = await stack.api('GET', `/v1/points?device=${deviceId}&metric=${encodeURIComponent(metric)}&from=0&to=${Date.now() + 60_000}`, undefined, stack.adminToken);
    return r.status === 200 && (r.json.items ?? r.json.points ?? []).length >= 3 ? r.json : undefined;
  }, { timeoutMs: 30_000, intervalMs: 250, what: 'uplinked points on the hub' });
  assert.ok(stored);

  const app = await openApp(browser, stack.hub.url);
  const { page } = app;
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole('link', { name: 'Pipelines' }).click();
  await page.getByText('No saved pipelines yet').waitFor();
  await page.getByRole('link', { name: 'New pipeline' }).click();

  // Every node kind of the engine is in the palette.
  await page.locator('.palette-item').first().waitFor();
  const kinds = await page.locator('.palette-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
  for (const k of ['input', 'filter', 'transform', 'aggregate', 'deduplicate', 'interpolate', 'script', 'model', 'alert', 'store', 'outbox', 'mqtt', 'webhook']) {
    assert.ok(kinds.includes(k), `palette has ${k}: ${kinds.join(', ')}`);
  }

  await page.getByLabel('pipeline id').fill(PIPELINE);
  await dragNode(page, 'input', 60, 120);
  await dragNode(page, 'filter', 330, 120);
  await dragNode(page, 'store', 600, 120);
  await connect(page, 'input', 'out', 'filter');
  await connect(page, 'filter', 'out', 'store');
  await waitFor(() => page.locator('.react-flow__edge').count().then((n) => n === 2 || undefined), { what: 'two edges on the canvas' });

  // The filter has no expression yet: the hub's compiler names the node, and the canvas shows it there.
  await page.getByTestId('node-store').click();
  await page.getByLabel('table').fill('derived');
  await page.getByRole('button', { name: 'Validate' }).click();
  const issue = page.locator('[data-testid="node-filter"] .op-issue');
  await issue.first().waitFor();
  assert.match(await issue.first().innerText(), /expression/i);
  assert.equal(await page.locator('[data-testid="node-store"] .op-issue').count(), 0, 'the store node is fine');
  await app.shot('pipelines-builder-issue');

  await page.getByTestId('node-filter').click();
  await page.getByLabel('expression').fill('value > 0');
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.getByText('The hub compiled the pipeline: no problems.').waitFor();
  assert.equal(await page.locator('.op-issue').count(), 0);

  // Test on replayed data: the trace lands on the canvas nodes and in the table.
  await page.getByLabel('Replay a device time range').check();
  await page.getByLabel('Replay device').fill(deviceId);
  await page.getByLabel('Replay metric').fill(metric);
  await page.getByRole('button', { name: 'Run test' }).click();
  const trace = page.getByTestId('trace-filter');
  await trace.waitFor();
  const m = /in (\d+) → out (\d+)/.exec(await trace.innerText());
  assert.ok(m, await trace.innerText());
  assert.ok(Number(m[1]) >= 3, `the filter saw the replayed points: ${m[0]}`);
  await page.getByTestId('trace-store').waitFor();
  assert.match(await page.getByTestId('test-result').innerText(), /derived/);
  await app.shot('pipelines-builder-trace');

  // Save as the first version: the hub has it, with the nodes and edges drawn.
  await page.getByLabel('version note').fill('first cut');
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await page.getByText(/latest v1/).waitFor().catch(async (e: unknown) => { await app.shot('pipelines-save-failed'); throw e; });
  const saved = await stack.api('GET', `/v1/pipelines/${PIPELINE}/versions/1`, undefined, stack.adminToken);
  assert.equal(saved.status, 200, saved.text);
  assert.deepEqual(saved.json.doc.nodes.map((n: { kind: string }) => n.kind).sort(), ['filter', 'input', 'store']);
  assert.deepEqual(saved.json.doc.edges, [{ from: 'input', to: 'filter' }, { from: 'filter', to: 'store' }]);
  assert.equal(saved.json.doc.nodes.find((n: { kind: string }) => n.kind === 'filter').config.expression, 'value > 0');

  // Export the document, import an edited copy: the canvas shows what the file holds.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  assert.deepEqual(exported, saved.json.doc);
  const edited = { ...exported, nodes: [...exported.nodes, { id: 'uplink', kind: 'outbox', typeVersion: 1, config: { priority: 'high' } }], edges: [...exported.edges, { from: 'filter', fromPort: 'rejected', to: 'uplink' }] };
  await page.getByLabel('Import pipeline file').setInputFiles({ name: 'edited.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(edited)) });
  await page.getByTestId('node-uplink').waitFor();
  await waitFor(() => page.locator('.react-flow__edge').count().then((n) => n === 3 || undefined), { what: 'three edges after the import' });

  // A second version that keeps nothing, then the diff of the two versions' outputs on replayed data.
  await page.getByTestId('node-filter').click();
  await page.getByLabel('expression').fill('value > 1000000');
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await page.getByText(/latest v2/).waitFor();
  await page.getByRole('tab', { name: 'Versions' }).click();
  await page.getByLabel('Replay a device time range').check();
  await page.getByLabel('Replay device').fill(deviceId);
  await page.getByLabel('Replay metric').fill(metric);
  await page.getByRole('button', { name: 'Compare outputs' }).click();
  const storeRow = page.getByRole('table', { name: 'Output differences' }).getByRole('row', { name: /^store/ });
  await storeRow.waitFor();
  const cells = await storeRow.getByRole('cell').allInnerTexts();
  assert.equal(cells[1], 'only-in-a', 'v2 stores nothing');
  assert.ok(Number(cells[2]) >= 3 && Number(cells[3]) === 0, `v1 stored the replayed points, v2 none: ${cells.slice(0, 4).join(' | ')}`);
  const uplinkCells = await page.getByRole('table', { name: 'Output differences' }).getByRole('row', { name: /^uplink/ }).getByRole('cell').allInnerTexts();
  assert.equal(uplinkCells[1], 'only-in-b', 'the imported outbox node of v2 queues the rejected points');
  assert.equal(uplinkCells[3], cells[2], 'what v1 stored, v2 queues for uplink');
  await app.shot('pipelines-versions-diff');

  // Deploy v1 through the deployments module (a signed pipeline artifact and an immediate deployment
  // to the gateway) and see the per-device state from the rollout; the deprecated assignments are not shown.
  await page.getByRole('tab', { name: 'Deployment' }).click();
  assert.equal(await page.getByRole('table', { name: 'Assignments' }).count(), 0);
  const rollout = page.getByRole('form', { name: 'Roll out' });
  await rollout.getByLabel('Target', { exact: true }).selectOption(deviceId);
  await rollout.getByLabel('Version to roll out').selectOption({ label: 'v1' });
  await rollout.getByRole('button', { name: 'Roll out' }).click();
  const deviceRow = page.getByRole('table', { name: 'Rollouts of this pipeline' }).locator(`tr[data-device="${deviceId}"]`);
  await deviceRow.waitFor();
  // The gateway installs it: the row moves on (health check, then active; the table refreshes itself while the deployment runs).
  await deviceRow.getByText(/^(verifying|active)$/).waitFor({ timeout: 60_000 });
  assert.match(await deviceRow.innerText(), /v1[\s\S]*(verifying|active)[\s\S]*ago/);
  const artifact = await stack.api('GET', `/v1/artifacts/pipeline/${PIPELINE}/1/content`, undefined, stack.adminToken);
  assert.deepEqual(JSON.parse(artifact.text), saved.json.doc, 'the artifact is the saved v1 document');
  const deployments = await stack.api('GET', '/v1/deployments', undefined, stack.adminToken);
  const d = deployments.json.items.find((r: { artifactName: string }) => r.artifactName === PIPELINE);
  assert.ok(d && d.version === '1' && d.artifactKind === 'pipeline' && d.state !== 'created', deployments.text);
  await app.shot('pipelines-deployment');

  await page.getByRole('tab', { name: 'Versions' }).click();
  await page.getByRole('table', { name: 'Versions' }).getByText('first cut').waitFor();
  await page.getByRole('link', { name: 'Pipelines' }).click();
  await page.getByRole('link', { name: PIPELINE }).waitFor();
  await app.shot('pipelines-list');
  assert.deepEqual(app.errors, []);
}
