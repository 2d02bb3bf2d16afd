/**
 * The isolate's side of the column encoding (format in ../columns.ts), as source text run right
 * after the prelude, before the user script, so it holds the intrinsics it uses. The host
 * re-validates every point it reads back; tampering in here only spoils the script's own output.
 *
 * `write` also says how many bytes the points would take as JSON objects, byte for byte, so the
 * output limit keeps counting what it always counted: columns change the wire, not the limit.
 */
export const COLUMNS_CODEC = `
const __outpostColumns = (() => {
  const stringify = JSON.stringify, keys = Object.keys, isArray = Array.isArray, isSafeInteger = Number.isSafeInteger, Map_ = Map;
  // JSON bytes of '{"device":,"metric":,"ts":,"value":}' and of ',"unit":', ',"quality":', ',"tags":'.
  const POINT = 36, UNIT = 8, QUALITY = 11, TAGS = 8;
  const TEN = [1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
  // Characters of a safe integer in JSON, without printing it.
  const intLength = (x) => {
    const a = x < 0 ? -x : x;
    let k = 1;
    while (k < 16 && a >= TEN[k - 1]) k++;
    return x < 0 ? k + 1 : k;
  };
  const read = (c) => {
    const s = c.s, b = c.b, d = c.d, m = c.m, t = c.t, v = c.v, u = c.u, q = c.q, g = c.g, a = c.a;
    const n = t.length;
    const points = [];
    for (let i = 0; i < n; i++) {
      const p = { device: s[d[i]], metric: s[m[i]], ts: b === undefined ? t[i] : b + t[i], value: v[i] };
      if (u !== undefined && u[i] >= 0) p.unit = s[u[i]];
      if (q !== undefined && q[i] >= 0) p.quality = s[q[i]];
      if (g !== undefined && g[i] !== null) p.tags = g[i];
      if (a !== undefined && a[i] !== null) p.attrs = a[i];
      points[i] = p;
    }
    return points;
  };
  // { json, size } for a list of plain points (size: the list as a JSON array of objects);
  // { json: undefined, size } once size passes maxBytes; undefined when an entry is not a plain
  // point (extra keys, other types, toJSON): JSON objects carry those exactly.
  const write = (list, maxBytes) => {
    const n = list.length;
    const s = [], lens = [], index = new Map_();
    const d = [], m = [], t = [], v = [], u = [], q = [], g = [];
    let hasU = false, hasQ = false, hasG = false, intTs = true, tsLength = 0, noTags = 0;
    let size = 1 + n; // '[' ']' and the commas between points
    const id = (x) => {
      let j = index.get(x);
      if (j === undefined) { j = s.length; s[j] = x; lens[j] = stringify(x).length; index.set(x, j); }
      size += lens[j];
      return j;
    };
    for (let i = 0; i < n; i++) {
      const p = list[i];
      if (p === null || typeof p !== 'object' || isArray(p) || p.toJSON !== undefined) return undefined;
      const device = p.device, metric = p.metric, ts = p.ts, value = p.value, unit = p.unit, quality = p.quality, tags = p.tags;
      if (typeof device !== 'string' || typeof metric !== 'string' || typeof ts !== 'number') return undefined;
      if (value !== null && typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') return undefined;
      let fields = 4;
      if (unit !== undefined) { if (typeof unit !== 'string') return undefined; fields++; }
      if (quality !== undefined) { if (typeof quality !== 'string') return undefined; fields++; }
      if (tags !== undefined) { if (tags === null || typeof tags !== 'object' || tags.toJSON !== undefined) return undefined; fields++; }
      if (keys(p).length !== fields) return undefined;
      d[i] = id(device); m[i] = id(metric); t[i] = ts; v[i] = value;
      size += POINT;
      if (intTs) { intTs = isSafeInteger(ts) && isSafeInteger(ts - t[0]); tsLength += intTs ? intLength(ts) : 0; }
      if (unit === undefined) u[i] = -1; else { u[i] = id(unit); hasU = true; size += UNIT; }
      if (quality === undefined) q[i] = -1; else { q[i] = id(quality); hasQ = true; size += QUALITY; }
      if (tags === undefined) { g[i] = null; noTags++; } else { g[i] = tags; hasG = true; size += TAGS; }
      if (size > maxBytes) return { json: undefined, size };
    }
    // Values and tags are printed once, in their columns; their share of size follows from the
    // column's length: the column minus its brackets, commas and the nulls of absent tags.
    const vj = stringify(v);
    size += vj.length - 1 - n;
    let json = '{"s":' + stringify(s) + ',"d":' + stringify(d) + ',"m":' + stringify(m) + ',"v":' + vj;
    if (intTs) {
      // Offsets from the first ts print and parse much faster than 13-digit numbers.
      const base = t[0];
      for (let i = 0; i < n; i++) t[i] -= base;
      json += ',"b":' + base + ',"t":' + stringify(t);
      size += tsLength;
    } else {
      const tj = stringify(t);
      json += ',"t":' + tj;
      size += tj.length - 1 - n;
    }
    if (hasU) json += ',"u":' + stringify(u);
    if (hasQ) json += ',"q":' + stringify(q);
    if (hasG) {
      const gj = stringify(g);
      json += ',"g":' + gj;
      size += gj.length - 1 - n - 4 * noTags;
    }
    return { json: json + '}', size };
  };
  return Object.freeze({ read, write });
})();
`;
