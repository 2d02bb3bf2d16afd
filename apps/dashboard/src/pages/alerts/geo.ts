/** Plain equirectangular projection helpers for the geofence editor (no map tiles, no network). */
export type Position = [number, number]; // [lon, lat]
export interface Bounds { minLon: number; maxLon: number; minLat: number; maxLat: number }
export type Shape =
  | { polygon: Position[] }
  | { circle: { center: Position; radiusMeters: number } }
  | { geojson: unknown };

export const WORLD: Bounds = { minLon: -180, maxLon: 180, minLat: -90, maxLat: 90 };
const M_PER_DEG_LAT = 111_320;

/** Outer rings of a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection; throws on anything else. */
export function ringsOf(g: unknown): Position[][] {
  const o = g as { type?: string; coordinates?: unknown; geometry?: unknown; features?: unknown[] };
  switch (o?.type) {
    case 'Polygon': return [(o.coordinates as Position[][])[0]!];
    case 'MultiPolygon': return (o.coordinates as Position[][][]).map((p) => p[0]!);
    case 'Feature': return ringsOf(o.geometry);
    case 'FeatureCollection': return (o.features ?? []).flatMap(ringsOf);
    default: throw new Error(`GeoJSON type ${JSON.stringify(o?.type)} is not a Polygon, MultiPolygon, Feature or FeatureCollection`);
  }
}

/** A circle as a ring of 64 positions (for drawing; the rule keeps center and radius). */
export function circleRing(center: Position, radiusMeters: number): Position[] {
  const [lon, lat] = center;
  const dLat = radiusMeters / M_PER_DEG_LAT;
  const dLon = radiusMeters / (M_PER_DEG_LAT * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  return Array.from({ length: 65 }, (_, i) => {
    const a = (i / 64) * 2 * Math.PI;
    return [lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)] as Position;
  });
}

export function shapeRings(s: Shape | null): Position[][] {
  if (!s) return [];
  if ('polygon' in s) return [s.polygon];
  if ('circle' in s) return [circleRing(s.circle.center, s.circle.radiusMeters)];
  return ringsOf(s.geojson);
}

/** Bounds around the rings with a margin; the world when there is nothing to show. */
export function fit(rings: Position[][]): Bounds {
  const all = rings.flat();
  if (all.length === 0) return WORLD;
  const lons = all.map((p) => p[0]);
  const lats = all.map((p) => p[1]);
  const pad = Math.max(0.002, (Math.max(...lons) - Math.min(...lons)) * 0.3, (Math.max(...lats) - Math.min(...lats)) * 0.3);
  return { minLon: Math.min(...lons) - pad, maxLon: Math.max(...lons) + pad, minLat: Math.min(...lats) - pad, maxLat: Math.max(...lats) + pad };
}

export function zoom(b: Bounds, factor: number): Bounds {
  const cx = (b.minLon + b.maxLon) / 2;
  const cy = (b.minLat + b.maxLat) / 2;
  const w = Math.min(360, ((b.maxLon - b.minLon) * factor) / 2);
  const h = Math.min(180, ((b.maxLat - b.minLat) * factor) / 2);
  return { minLon: cx - w, maxLon: cx + w, minLat: cy - h, maxLat: cy + h };
}

/** Close a ring for the rule (first position repeated at the end). */
export const closed = (ring: Position[]): Position[] =>
  ring.length > 0 && (ring[0]![0] !== ring[ring.length - 1]![0] || ring[0]![1] !== ring[ring.length - 1]![1]) ? [...ring, ring[0]!] : ring;

export const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
