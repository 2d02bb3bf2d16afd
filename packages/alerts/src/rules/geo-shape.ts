import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { lazyRequire } from '@outpost/contract/lazy';
import { invalid } from './spec-errors.js';

// turf is loaded by the first geofence rule, not by every gateway (see lazyRequire).
const turf = {
  circle: lazyRequire<typeof import('@turf/circle')>(import.meta.url, '@turf/circle'),
  kinks: lazyRequire<typeof import('@turf/kinks')>(import.meta.url, '@turf/kinks'),
  helpers: lazyRequire<typeof import('@turf/helpers')>(import.meta.url, '@turf/helpers'),
};

export type Fence = Feature<Polygon | MultiPolygon>;

/**
 * Builds the fence of a geofence rule from exactly one of `polygon` (a ring of [lon, lat]),
 * `geojson` (Polygon, MultiPolygon, a Feature of one, or a FeatureCollection of them) or `circle`
 * ({ center: [lon, lat], radiusMeters }). Rings must be closed, in range and not self-intersecting.
 */
export function fenceFromSpec(spec: Record<string, unknown>, path: string): Fence {
  const given = ['polygon', 'geojson', 'circle'].filter((k) => spec[k] !== undefined);
  if (given.length !== 1) throw invalid(path, `a geofence needs exactly one of polygon, geojson or circle, got ${given.length === 0 ? 'none' : given.join(' and ')}`);
  if (spec.polygon !== undefined) return checkedPolygon([spec.polygon], `${path}.polygon`);
  if (spec.circle !== undefined) return circleFence(spec.circle, `${path}.circle`);
  return fromGeoJson(spec.geojson, `${path}.geojson`);
}

function circleFence(c: unknown, path: string): Fence {
  const o = c as { center?: unknown; radiusMeters?: unknown } | null;
  if (typeof o !== 'object' || o === null) throw invalid(path, 'must be { center: [lon, lat], radiusMeters }');
  const center = position(o.center, `${path}.center`);
  const r = o.radiusMeters;
  if (typeof r !== 'number' || !(r > 0) || r > 20_000_000) throw invalid(`${path}.radiusMeters`, `must be a number of metres > 0 and ≤ 20000000, got ${JSON.stringify(r)}`);
  return turf.circle().circle(center, r / 1000, { steps: 64, units: 'kilometers' });
}

function fromGeoJson(g: unknown, path: string): Fence {
  const o = g as { type?: unknown; coordinates?: unknown; geometry?: unknown; features?: unknown } | null;
  if (typeof o !== 'object' || o === null) throw invalid(path, 'must be a GeoJSON object (Polygon, MultiPolygon, Feature or FeatureCollection)');
  if (o.type === 'Polygon') return checkedPolygon(o.coordinates, `${path}.coordinates`);
  if (o.type === 'MultiPolygon') return checkedMulti(o.coordinates, `${path}.coordinates`);
  if (o.type === 'Feature') return fromGeoJson(o.geometry, `${path}.geometry`);
  if (o.type === 'FeatureCollection') {
    if (!Array.isArray(o.features) || o.features.length === 0) throw invalid(`${path}.features`, 'must be a non-empty list of polygon features');
    const polys: Position[][][] = [];
    o.features.forEach((f, i) => {
      const fence = fromGeoJson(f, `${path}.features[${i}]`);
      const gm = fence.geometry;
      if (gm.type === 'Polygon') polys.push(gm.coordinates); else polys.push(...gm.coordinates);
    });
    return turf.helpers().multiPolygon(polys);
  }
  throw invalid(`${path}.type`, `GeoJSON type ${JSON.stringify(o.type)} is not a polygon; expected Polygon, MultiPolygon, Feature or FeatureCollection of polygons`);
}

function checkedMulti(coords: unknown, path: string): Fence {
  if (!Array.isArray(coords) || coords.length === 0) throw invalid(path, 'a MultiPolygon needs a non-empty list of polygons');
  const polys = coords.map((c, i) => checkedPolygon(c, `${path}[${i}]`).geometry.coordinates);
  return turf.helpers().multiPolygon(polys);
}

function checkedPolygon(rings: unknown, path: string): Feature<Polygon> {
  if (!Array.isArray(rings) || rings.length === 0) throw invalid(path, 'a polygon needs at least one ring of [lon, lat] positions');
  const checked = rings.map((ring, r) => {
    const rp = `${path}[${r}]`;
    if (!Array.isArray(ring) || ring.length < 4) throw invalid(rp, `a ring needs at least 4 positions (3 corners and the first repeated to close it), got ${Array.isArray(ring) ? ring.length : typeof ring}`);
    const pts = ring.map((p, i) => position(p, `${rp}[${i}]`));
    const a = pts[0]!;
    const b = pts[pts.length - 1]!;
    if (a[0] !== b[0] || a[1] !== b[1]) throw invalid(rp, `the polygon is not closed: the first position [${a.join(', ')}] and the last [${b.join(', ')}] differ; repeat the first position at the end`);
    return pts;
  });
  const poly = turf.helpers().polygon(checked);
  const crossings = turf.kinks().kinks(poly).features;
  if (crossings.length > 0) {
    const at = crossings[0]!.geometry.coordinates;
    throw invalid(path, `the polygon is self-intersecting (edges cross at [${at.map((n) => n.toFixed(6)).join(', ')}]${crossings.length > 1 ? ` and ${crossings.length - 1} more places` : ''})`);
  }
  return poly;
}

function position(p: unknown, path: string): Position {
  if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
    throw invalid(path, `must be a [longitude, latitude] pair of numbers, got ${JSON.stringify(p)}`);
  }
  const [lon, lat] = p as [number, number];
  if (lon < -180 || lon > 180) throw invalid(path, `longitude ${lon} is out of range [-180, 180] (positions are [lon, lat])`);
  if (lat < -90 || lat > 90) throw invalid(path, `latitude ${lat} is out of range [-90, 90] (positions are [lon, lat])`);
  return [lon, lat];
}
