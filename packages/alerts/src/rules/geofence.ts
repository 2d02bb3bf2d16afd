import type { Point } from '@outpost/contract';
import { lazyRequire } from '@outpost/contract/lazy';
import type { RuleEvaluator, Transition } from '../types.js';
import { fenceFromSpec } from './geo-shape.js';
import { invalid, num, numericValue, str } from './spec-errors.js';

// turf is loaded by the first geofence rule, not by every gateway (see lazyRequire).
const turf = {
  inPolygon: lazyRequire<typeof import('@turf/boolean-point-in-polygon')>(import.meta.url, '@turf/boolean-point-in-polygon'),
  bbox: lazyRequire<typeof import('@turf/bbox')>(import.meta.url, '@turf/bbox'),
};

const EVENTS = ['enter', 'exit', 'dwell'] as const;
type FenceEvent = (typeof EVENTS)[number];

interface DeviceState { lat?: Point; lon?: Point; inside?: boolean; since?: number; dwelt?: boolean; exited?: boolean }

/**
 * Geofence: a device's position is its latest `latMetric` and `lonMetric` points with the same
 * timestamp (a tracker sends both in one message). Events per device: `enter` (raised while
 * inside), `exit` (raised while outside, after having been inside) and `dwell` (inside for
 * `dwellSeconds`); crossing the fence clears the events of the other side.
 */
export function compileGeofence(spec: Record<string, unknown>, path: string): RuleEvaluator {
  const fence = fenceFromSpec(spec, path);
  const box = turf.bbox().bbox(fence);
  const pointInPolygon = turf.inPolygon().booleanPointInPolygon;
  const latM = str(spec, 'latMetric', path, 'lat');
  const lonM = str(spec, 'lonMetric', path, 'lon');
  const on = (spec.on as unknown) ?? ['enter', 'exit'];
  if (!Array.isArray(on) || on.length === 0 || on.some((e) => !EVENTS.includes(e as FenceEvent))) throw invalid(`${path}.on`, `must be a non-empty list of ${EVENTS.join(', ')}`);
  const wants = new Set(on as FenceEvent[]);
  const dwellMs = num(spec, 'dwellSeconds', path, { min: 0, def: 0 }) * 1000;
  if (wants.has('dwell') && dwellMs === 0) throw invalid(`${path}.dwellSeconds`, 'a dwell event needs dwellSeconds > 0');
  const states = new Map<string, DeviceState>();
  const tr = (type: 'raise' | 'clear', device: string, ev: FenceEvent, p: Point[], msg: string): Transition =>
    ({ type, key: `${device}/${ev}`, device, points: p, message: msg });

  const dwellCheck = (device: string, s: DeviceState, now: number, out: Transition[]) => {
    if (wants.has('dwell') && s.inside && !s.dwelt && s.since !== undefined && now - s.since >= dwellMs) {
      s.dwelt = true;
      out.push(tr('raise', device, 'dwell', [s.lat!, s.lon!], `${device} inside the fence for ${Math.round((now - s.since) / 1000)}s (dwell ${dwellMs / 1000}s)`));
    }
  };
  return {
    metrics: [latM, lonM],
    onPoint(p) {
      if (numericValue(p.value) === undefined) return undefined;
      let s = states.get(p.device);
      if (!s) states.set(p.device, (s = {}));
      if (p.metric === latM) s.lat = p; else s.lon = p;
      if (!s.lat || !s.lon || s.lat.ts !== s.lon.ts) return undefined;
      const lat = s.lat.value as number;
      const lon = s.lon.value as number;
      const inBox = lon >= box[0] && lat >= box[1] && lon <= box[2] && lat <= box[3];
      const inside = inBox && pointInPolygon([lon, lat], fence);
      const out: Transition[] = [];
      const pts = [s.lat, s.lon];
      if (inside !== s.inside) {
        const was = s.inside;
        s.inside = inside;
        s.since = p.ts;
        s.dwelt = false;
        const where = `[${lon}, ${lat}]`;
        if (inside) {
          const exited = s.exited;
          s.exited = false;
          if (exited) out.push(tr('clear', p.device, 'exit', pts, `${p.device} back inside at ${where}`));
          if (wants.has('enter')) out.push(tr('raise', p.device, 'enter', pts, `${p.device} entered the fence at ${where}`));
        } else {
          if (wants.has('enter') && was === true) out.push(tr('clear', p.device, 'enter', pts, `${p.device} left the fence at ${where}`));
          if (wants.has('dwell') && was === true) out.push(tr('clear', p.device, 'dwell', pts, `${p.device} left the fence at ${where}`));
          if (wants.has('exit') && was === true) {
            s.exited = true;
            out.push(tr('raise', p.device, 'exit', pts, `${p.device} exited the fence at ${where}`));
          }
        }
      }
      dwellCheck(p.device, s, p.ts, out);
      return out;
    },
    onTick(now) {
      const out: Transition[] = [];
      for (const [device, s] of states) dwellCheck(device, s, now, out);
      return out;
    },
  };
}
