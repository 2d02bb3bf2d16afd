// The simulator's injected faults, scored by Outpost's detectors running inside the engine's
// `model` node (DetectorModelRunner as the host's model runner), checked against the simulator's
// own ground-truth fault log. Six simulated hours at 10 s, computed in-process with step(t).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { testPipeline, type PipelineDocument } from '@outpost/engine';
import { builtinOperators } from '@outpost/operators';
import { DetectorModelRunner, makeArtifact } from '@outpost/ml';
import { createSimulator } from './simulator.js';
import type { FaultEvent, FaultKind } from './faults.js';

const MIN = 60_000;
const H = 60 * MIN;
const STEP = 10_000;
const T0 = Date.UTC(2026, 5, 21, 6, 0, 0);
const WARMUP = H;
/** Alarms this soon after a fault ends still belong to it (detectors see the return to normal too). */
const SETTLE = 15 * MIN;

const DETECTORS = {
  ewma: makeArtifact({ kind: 'ewma' }),
  novelty: makeArtifact({ kind: 'novelty' }),
};
type DetectorName = keyof typeof DETECTORS;

/** Which stream shows each fault, which detector is expected to catch it, and with which labels. */
const CASES: Array<{ kind: FaultKind; device: string; metric: string; detector: DetectorName; labels: string[] }> = [
  { kind: 'spike', device: 'pump-1', metric: 'pressure', detector: 'ewma', labels: ['spike'] },
  { kind: 'stuck', device: 'pump-1', metric: 'flow', detector: 'ewma', labels: ['stuck'] },
  { kind: 'drift', device: 'pump-1', metric: 'motor_current', detector: 'novelty', labels: ['drift'] },
  { kind: 'over_temperature', device: 'pump-1', metric: 'temperature', detector: 'novelty', labels: ['drift', 'spike'] },
  { kind: 'string_fault', device: 'inv-1', metric: 'string_current_2', detector: 'ewma', labels: ['drop'] },
  { kind: 'dropout', device: 'pump-1', metric: 'pressure', detector: 'ewma', labels: ['missingness'] },
];
const STREAMS = [...new Set(CASES.map((c) => `${c.device}/${c.metric}`))];

function simulate(): { points: Point[]; log: FaultEvent[] } {
  const sim = createSimulator({
    seed: 7,
    devices: [
      { id: 'pump-1', kind: 'pump', options: { cycleMinutes: 0 }, faults: [
        { kind: 'spike', metric: 'pressure', startMs: 2 * H, durationMs: 20_000 },
        { kind: 'stuck', metric: 'flow', startMs: 2.5 * H, durationMs: 15 * MIN },
        { kind: 'drift', metric: 'motor_current', startMs: 3 * H, durationMs: 30 * MIN },
        { kind: 'over_temperature', startMs: 4 * H, durationMs: 40 * MIN },
        { kind: 'dropout', startMs: 5 * H, durationMs: 10 * MIN },
      ] },
      { id: 'inv-1', kind: 'solar_inverter', faults: [{ kind: 'string_fault', string: 2, startMs: 4.5 * H, durationMs: 30 * MIN }] },
    ],
  });
  const points: Point[] = [];
  for (let t = T0; t < T0 + 6 * H; t += STEP) {
    for (const s of sim.step(t)) {
      if (s.dropout) continue; // a silent device sends nothing; the gap is what must be noticed
      for (const [metric, value] of Object.entries(s.values)) {
        if (STREAMS.includes(`${s.device}/${metric}`)) points.push({ device: s.device, metric, ts: s.ts, value: value as number });
      }
    }
  }
  return { points, log: sim.faultLog() };
}

const pipeline = (modelId: string): PipelineDocument => ({
  schemaVersion: 1, id: `detect-${modelId}`,
  nodes: [
    { id: 'in', kind: 'input', typeVersion: 1 },
    { id: 'score', kind: 'model', typeVersion: 1, config: { modelId, version: '1', outputMetric: 'anomaly_score' } },
    { id: 'out', kind: 'store', typeVersion: 1, config: { table: 'anomalies' } },
  ],
  edges: [{ from: 'in', to: 'score' }, { from: 'score', to: 'out' }],
});

/** Scores of every stream by one detector, run through the engine as a pipeline would on a gateway. */
async function score(name: DetectorName, points: readonly Point[]): Promise<Point[]> {
  const modelRunner = new DetectorModelRunner({ resolve: ({ modelId }) => DETECTORS[modelId as DetectorName] });
  const r = await testPipeline(pipeline(name), points, { operators: builtinOperators, modelRunner, batchSize: 1000 });
  assert.equal(r.ok, true, JSON.stringify(r.issues));
  assert.deepEqual(r.errors, []);
  return r.outputs.out!.items as Point[];
}

test('every injected fault is flagged inside its ground-truth window, with the right label, and few alarms elsewhere', async (t) => {
  const { points, log } = simulate();
  assert.equal(log.length, CASES.length, 'each scheduled fault happened once');
  const scored = { ewma: await score('ewma', points), novelty: await score('novelty', points) };

  for (const c of CASES) {
    const ev = log.find((e) => e.kind === c.kind && e.device === c.device);
    assert.ok(ev?.end !== undefined, `${c.kind} is in the fault log with an end`);
    // A drop-out can only be seen causally at the first sample after it, one step after its end.
    const until = c.kind === 'dropout' ? ev.end + STEP : ev.end;
    const threshold = DETECTORS[c.detector].threshold;
    const hits = scored[c.detector].filter((p) => p.device === c.device && p.tags?.source_metric === c.metric
      && p.ts >= ev.start && p.ts <= until && (p.value as number) >= threshold);
    assert.ok(hits.length > 0, `${c.kind} on ${c.device}/${c.metric} in [${ev.start - T0}, ${until - T0}] ms: no ${c.detector} score ≥ ${threshold}`);
    assert.ok(hits.some((p) => c.labels.includes(p.tags!.label!)), `${c.kind}: labels ${hits.map((p) => p.tags!.label).join(',')}, expected one of ${c.labels}`);
    assert.ok(hits.every((p) => p.tags!.anomaly === 'true' && p.tags!.model === `${c.detector}@1` && p.tags!.explanation!.length > 0));
  }

  // False alarms: scores over the threshold after the warm-up hour, outside every fault window.
  const inFault = (p: Point) => log.some((e) => p.device === e.device && p.ts >= e.start && p.ts <= (e.end ?? Infinity) + SETTLE);
  for (const name of ['ewma', 'novelty'] as const) {
    const judged = scored[name].filter((p) => p.ts >= T0 + WARMUP && !inFault(p));
    const alarms = judged.filter((p) => (p.value as number) >= DETECTORS[name].threshold);
    assert.ok(judged.length > 4000, `${name}: ${judged.length} healthy scores judged`);
    t.diagnostic(`${name}: ${alarms.length} false alarms in ${judged.length} healthy scores`);
    assert.ok(alarms.length / judged.length < 0.01, `${name}: ${alarms.length} false alarms in ${judged.length} healthy scores`);
  }
});
