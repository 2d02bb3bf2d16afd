import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { compileGeofence } from './geofence.js';

const square = [[10, 50], [10.01, 50], [10.01, 50.01], [10, 50.01], [10, 50]];
const at = (device: string, lon: number, lat: number, ts: number): Point[] => [
  { device, metric: 'lat', ts, value: lat }, { device, metric: 'lon', ts, value: lon },
];
const feed = (ev: ReturnType<typeof compileGeofence>, pts: Point[]) => pts.flatMap((p) => ev.onPoint(p, p.ts) ?? []).map((t) => `${t.type}:${t.key}`);

test('polygon: enter, exit and dwell per device', () => {
  const ev = compileGeofence({ polygon: square, on: ['enter', 'exit', 'dwell'], dwellSeconds: 10 }, 'r');
  assert.deepEqual(feed(ev, at('t1', 9.99, 50.005, 0)), []);
  assert.deepEqual(feed(ev, at('t1', 10.005, 50.005, 1000)), ['raise:t1/enter']);
  assert.deepEqual(feed(ev, at('t2', 10.005, 50.005, 1000)), ['raise:t2/enter']);
  assert.deepEqual(ev.onTick!(11_000)!.map((t) => `${t.type}:${t.key}`), ['raise:t1/dwell', 'raise:t2/dwell']);
  assert.deepEqual(feed(ev, at('t1', 10.02, 50.005, 12_000)), ['clear:t1/enter', 'clear:t1/dwell', 'raise:t1/exit']);
  assert.deepEqual(feed(ev, at('t1', 10.005, 50.005, 13_000)), ['clear:t1/exit', 'raise:t1/enter']);
});

test('lat and lon pair by timestamp', () => {
  const ev = compileGeofence({ polygon: square }, 'r');
  assert.deepEqual(feed(ev, [{ device: 'd', metric: 'lat', ts: 1, value: 50.005 }, { device: 'd', metric: 'lon', ts: 2, value: 10.005 }]), []);
  assert.deepEqual(feed(ev, [{ device: 'd', metric: 'lat', ts: 2, value: 50.005 }]), ['raise:d/enter']);
});

test('circle of radius around a point', () => {
  const ev = compileGeofence({ circle: { center: [10, 50], radiusMeters: 100 } }, 'r');
  assert.deepEqual(feed(ev, at('d', 10.0005, 50.0005, 0)), ['raise:d/enter']); // ~66 m away
  const ev2 = compileGeofence({ circle: { center: [10, 50], radiusMeters: 100 } }, 'r');
  assert.deepEqual(feed(ev2, at('d', 10.002, 50, 0)), []); // ~143 m away
});

test('GeoJSON: Polygon, MultiPolygon, Feature and FeatureCollection', () => {
  const other = [[20, 50], [20.01, 50], [20.01, 50.01], [20, 50]];
  const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [square] } }, { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[other]] } }] };
  const ev = compileGeofence({ geojson: fc }, 'r');
  assert.deepEqual(feed(ev, at('a', 20.008, 50.001, 0)), ['raise:a/enter']);
  assert.deepEqual(feed(ev, at('b', 10.005, 50.005, 0)), ['raise:b/enter']);
  assert.deepEqual(feed(ev, at('c', 15, 50, 0)), []);
  assert.doesNotThrow(() => compileGeofence({ geojson: { type: 'Polygon', coordinates: [square] } }, 'r'));
});

test('bad shapes are rejected with clear errors', () => {
  const bad = (spec: Record<string, unknown>, re: RegExp) => assert.throws(() => compileGeofence(spec, 'gateway.alerts.rules[1]'), (e: Error & { code?: string }) => e.code === 'ERR_CONFIG_INVALID' && re.test(e.message), String(re));
  bad({ polygon: [[10, 50], [11, 51], [11, 50], [10, 51], [10, 50]] }, /rules\[1\]\.polygon: the polygon is self-intersecting \(edges cross at \[10\.5/);
  bad({ polygon: [[10, 50], [11, 50], [11, 51], [10, 51]] }, /polygon\[0\]: the polygon is not closed: the first position \[10, 50\] and the last \[10, 51\] differ/);
  bad({ polygon: [[10, 50], [11, 95], [11, 51], [10, 50]] }, /polygon\[0\]\[1\]: latitude 95 is out of range \[-90, 90\]/);
  bad({ polygon: [[190, 50], [11, 50], [11, 51], [190, 50]] }, /longitude 190 is out of range/);
  bad({ geojson: { type: 'Point', coordinates: [10, 50] } }, /geojson\.type: GeoJSON type "Point" is not a polygon/);
  bad({ geojson: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } }] } }, /features\[0\]\.geometry\.type: GeoJSON type "LineString" is not a polygon/);
  bad({ circle: { center: [10, 50], radiusMeters: -5 } }, /radiusMeters: must be a number of metres > 0/);
  bad({}, /exactly one of polygon, geojson or circle, got none/);
  bad({ polygon: square, on: ['dwell'] }, /dwellSeconds: a dwell event needs dwellSeconds > 0/);
});
