/**
 * A GPS tracker on a service vehicle driving a closed route: speed wanders around a cruise
 * speed and slows for each waypoint; position advances along the route by speed x time; heading
 * is the bearing of the current leg plus receiver noise; position carries ~2 m of GPS noise.
 */
import { clamp, ouStep, type Rng } from '../prng.js';
import type { DeviceModel, MetricDef, MetricValue } from './types.js';

export interface GpsTrackerOptions {
  /** [lat, lon] waypoints of a closed route (the last leg returns to the first). */
  route?: Array<[number, number]>;
  /** km/h */
  cruiseSpeed?: number;
}

/** A loop around the Maasvlakte port area near Rotterdam. */
export const DEFAULT_ROUTE: Array<[number, number]> = [
  [51.9500, 4.0500], [51.9650, 4.0350], [51.9780, 4.0600], [51.9700, 4.1000], [51.9520, 4.0950],
];

const EARTH_M = 6_371_000;
const rad = (d: number) => (d * Math.PI) / 180;

export function distanceM(a: [number, number], b: [number, number]): number {
  const dLat = rad(b[0] - a[0]);
  const dLon = rad(b[1] - a[1]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.sqrt(h));
}

export function bearingDeg(a: [number, number], b: [number, number]): number {
  const y = Math.sin(rad(b[1] - a[1])) * Math.cos(rad(b[0]));
  const x = Math.cos(rad(a[0])) * Math.sin(rad(b[0])) - Math.sin(rad(a[0])) * Math.cos(rad(b[0])) * Math.cos(rad(b[1] - a[1]));
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

export function createGpsTracker(opts: GpsTrackerOptions = {}): DeviceModel {
  const route = opts.route ?? DEFAULT_ROUTE;
  const cruise = opts.cruiseSpeed ?? 40;
  const legs = route.map((p, i) => ({ from: p, to: route[(i + 1) % route.length]!, length: distanceM(p, route[(i + 1) % route.length]!) }));
  const metrics: MetricDef[] = [
    { name: 'latitude', unit: 'deg', nominal: 0.001, modbus: { function: 'holding', type: 'int32', scale: 1e-7 } },
    { name: 'longitude', unit: 'deg', nominal: 0.001, modbus: { function: 'holding', type: 'int32', scale: 1e-7 } },
    { name: 'speed', unit: 'km/h', nominal: cruise, modbus: { function: 'holding', type: 'uint16', scale: 0.1 } },
    { name: 'heading', unit: 'deg', nominal: 90, modbus: { function: 'holding', type: 'uint16', scale: 0.1 } },
  ];
  let leg = 0;
  let along = 0; // metres along the current leg
  let cruiseNow = cruise;

  return {
    kind: 'gps_tracker',
    metrics,
    defaultFaultMetric: 'speed',
    step(_t, dtMs, _faults, rng: Rng): Record<string, MetricValue> {
      cruiseNow = clamp(ouStep(cruiseNow, cruise, 1 / 60, 1.5, dtMs, rng), 0.3 * cruise, 1.4 * cruise);
      const cur = legs[leg]!;
      // Slow down within 100 m of the next waypoint (a junction), to 30 % of cruise at the turn.
      const toGo = cur.length - along;
      const speed = cruiseNow * (toGo < 100 ? 0.3 + 0.7 * (toGo / 100) : 1);
      along += (speed / 3.6) * (dtMs / 1000);
      while (along >= legs[leg]!.length) {
        along -= legs[leg]!.length;
        leg = (leg + 1) % legs.length;
      }
      const l = legs[leg]!;
      const f = l.length === 0 ? 0 : along / l.length;
      const noiseDeg = 2 / 111_000; // ~2 m
      return {
        latitude: l.from[0] + (l.to[0] - l.from[0]) * f + rng.normal(0, noiseDeg),
        longitude: l.from[1] + (l.to[1] - l.from[1]) * f + rng.normal(0, noiseDeg),
        speed,
        heading: (bearingDeg(l.from, l.to) + rng.normal(0, 0.5) + 360) % 360,
      };
    },
  };
}
