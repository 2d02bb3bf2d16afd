import type { Point } from '@outpost/contract';

/**
 * A realistic telemetry mix for the uplink benchmark and tests: `devices` devices with 4
 * metrics each at 1 s, values with 1–3 decimals that wander like real sensors (a seeded
 * generator, so every run sends the same bytes).
 */
export function telemetry(devices: number, seconds: number, startTs = 1_700_000_000_000, seed = 42): Point[] {
  let s = seed >>> 0;
  const rnd = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
  const state = Array.from({ length: devices }, () => ({ t: 20 + rnd() * 10, p: 1000 + rnd() * 500, v: 230, on: true }));
  const out: Point[] = [];
  for (let sec = 0; sec < seconds; sec++) {
    const ts = startTs + sec * 1000;
    for (let d = 0; d < devices; d++) {
      const st = state[d]!;
      st.t += (rnd() - 0.5) * 0.2; st.p += (rnd() - 0.5) * 20; st.v = 230 + (rnd() - 0.5) * 4;
      if (rnd() < 0.001) st.on = !st.on;
      const device = `device-${String(d).padStart(4, '0')}`;
      out.push({ device, metric: 'temperature', ts, value: Math.round(st.t * 100) / 100, unit: 'degC' });
      out.push({ device, metric: 'active_power', ts, value: Math.round(st.p * 10) / 10, unit: 'kW' });
      out.push({ device, metric: 'voltage', ts, value: Math.round(st.v * 1000) / 1000, unit: 'V' });
      out.push({ device, metric: 'running', ts, value: st.on });
    }
  }
  return out;
}
