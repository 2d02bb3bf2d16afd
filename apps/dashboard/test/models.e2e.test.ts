// The Models page against a real hub: a model uploaded through the registry API, inferences with
// ids through the inference API, ground truth and a drift reference posted; the page lists it with
// its versions and tags, draws the version's history charts (count, latency, error rate, drift,
// accuracy) from the hub's monitoring API, and downloads the hub's CSV export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildMlp } from '@outpost/ml/onnx/build';
import { ADMIN, startStack } from './stack.js';
import { launch, openApp, signIn } from './browser.js';

const NAME = 'pump-health';
const MODEL = buildMlp({ inputs: 3, hidden: [8], outputs: 1, seed: 5 });
const rows = (n: number, shift: number) => Array.from({ length: n }, (_, i) => [Math.sin(i) + shift, Math.cos(i) + shift, (i % 5) / 5 + shift]);

test('models: list with versions and tags, per-version history charts from the monitoring API, CSV export', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const stack = await startStack(t);
  const auth = { authorization: `Bearer ${stack.adminToken}` };
  const up = await fetch(`${stack.hub.url}/v1/registry/models/${NAME}/versions?tag=production&metrics=${encodeURIComponent('{"auc":0.9}')}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: MODEL });
  assert.equal(up.status, 201, await up.text());
  // A training reference, then inputs shifted away from it: drift figures that are not zero.
  const ref = await stack.api('PATCH', `/v1/registry/models/${NAME}/versions/1`, { referenceSample: rows(50, 0) }, stack.adminToken);
  assert.equal(ref.status, 200, ref.text);
  const inputs = rows(40, 0.5);
  const inf = await stack.api('POST', `/api/inference/${NAME}`, { inputs, ids: inputs.map((_, i) => `r${i}`) }, stack.adminToken);
  assert.equal(inf.status, 200, inf.text);
  // 30 labels equal to the prediction, 10 off: accuracy 0.75.
  const labels = (inf.json.predictions as number[]).map((p, i) => ({ id: `r${i}`, label: i < 30 ? p : p + 1 }));
  assert.equal((await stack.api('POST', `/v1/registry/models/${NAME}/ground-truth`, { labels }, stack.adminToken)).status, 200);
  // A call the model refuses (2 values for 3 inputs): one error in two calls.
  assert.equal((await stack.api('POST', `/api/inference/${NAME}`, { inputs: [[1, 2]] }, stack.adminToken)).status, 400);

  const app = await openApp(browser, stack.hub.url);
  const { page } = app;
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole('link', { name: 'Models' }).click();
  const list = page.getByRole('table', { name: 'Models' });
  await list.getByRole('link', { name: NAME }).waitFor();
  assert.match(await list.innerText(), /production → v1/);
  await list.getByRole('link', { name: NAME }).click();

  const versions = page.getByRole('table', { name: 'Versions' });
  await versions.waitFor();
  assert.match(await versions.innerText(), /v1\s+onnx\s+production/);
  assert.match(await versions.innerText(), /auc 0\.9/);
  const charts = page.getByTestId('model-chart');
  await page.locator('[data-testid="model-chart"] canvas').first().waitFor();
  const drawn = await charts.evaluateAll((els) => els.map((e) => [e.getAttribute('aria-label'), Number(e.getAttribute('data-points')), e.querySelectorAll('canvas').length]));
  assert.deepEqual(drawn.map(([title]) => title), ['Inferences per day', 'Latency (ms)', 'Error rate', 'Input drift', 'Accuracy on ground truth']);
  for (const [title, points, canvases] of drawn) assert.ok((points as number) > 0 && (canvases as number) > 0, `${String(title)} is drawn with data (${String(points)} points)`);
  const daily = page.getByRole('table', { name: 'Daily figures' });
  const today = new Date().toISOString().slice(0, 10);
  assert.match(await daily.innerText(), new RegExp(`${today}\\s+40\\s+1\\s+0\\.5\\s`));
  const monitoring = await stack.api('GET', `/v1/registry/models/${NAME}/monitoring`, undefined, stack.adminToken);
  assert.ok(monitoring.json.days[0].psi > 0.1, `inputs shifted by 0.5 drift (psi ${monitoring.json.days[0].psi})`);
  assert.deepEqual(monitoring.json.accuracyByDay.map((a: { accuracy: number }) => a.accuracy), [0.75]);
  await app.shot('models-charts');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  assert.equal(download.suggestedFilename(), `${NAME}-v1-monitoring.csv`);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  assert.equal(csv[0], 'day,name,version,source,count,errors,errorRate,p50Ms,p95Ms,p99Ms,psi,kl,driftSamples,accuracy');
  assert.equal(csv.length, 2, csv.join('\n'));
  const cells = csv[1]!.split(',');
  assert.deepEqual([cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[13]], [today, NAME, '1', 'all', '40', '1', '0.75']);
  assert.deepEqual(app.errors, []);
});
