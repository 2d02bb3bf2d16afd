import { createSimulator, type Simulator } from './simulator.js';

const MIN = 60_000;
const H = 60 * MIN;

/**
 * A pump whose pressure gets a 20 s spike every 3 h from 2 h on and sticks for 15 min every 3 h
 * from 2.5 h on: the labelled series that anomaly training and deployment tests score against.
 * `pressure(from, to)` samples every `stepMs`; `sim.faultLog()` is the label file.
 */
export function faultyPump(stepMs = 10_000, seed = 3): { sim: Simulator; pressure(from: number, to: number): Array<{ ts: number; value: number }> } {
  const sim = createSimulator({ seed, devices: [{ id: 'pump-1', kind: 'pump', options: { cycleMinutes: 0 }, faults: [
    { kind: 'spike', metric: 'pressure', startMs: 2 * H, everyMs: 3 * H, durationMs: 20_000 },
    { kind: 'stuck', metric: 'pressure', startMs: 2.5 * H, everyMs: 3 * H, durationMs: 15 * MIN },
  ] }] });
  return {
    sim,
    pressure(from, to) {
      const out: Array<{ ts: number; value: number }> = [];
      for (let ts = from; ts < to; ts += stepMs) out.push({ ts, value: sim.step(ts)[0]!.values.pressure as number });
      return out;
    },
  };
}
