/**
 * Code that runs INSIDE the isolate, as source text. The host only ever exchanges strings with it
 * (a JSON request in, a JSON reply out), so no host object, function or prototype is reachable from
 * the script. The prelude captures the intrinsics the wrapper needs before user code can replace
 * them; tampering after that only breaks the script itself, and the host re-validates everything.
 *
 * Request: { "data": <point or points>, "device"?, "metrics"? }, or a batch of plain points as
 * columns { "c": <columns>, … } (see ../columns.ts), rebuilt into objects before the call.
 *
 * Reply protocol (shared with the Python worker, which only sends "p"):
 *   { "p": <process() result>, "l": [[level, message], …], "s"?: <state when changed> }
 *   { "c": <columns>, "l": …, "s"?: … } when the result is minColumns or more plain points
 *   { "e": { "name", "message", "stack" }, "l": [...] }
 */

/** Runs before the user script (then COLUMNS_CODEC): keeps pristine references the wrapper relies on. */
export const PRELUDE = `
const __outpost = Object.freeze({
  parse: JSON.parse, stringify: JSON.stringify, entries: Object.entries, fromEntries: Object.fromEntries,
  freeze: Object.freeze, isArray: Array.isArray, Map: Map, String: String,
});
`;

/**
 * Runs after the user script; evaluates to the call function. Arguments of the factory:
 * initial state JSON, config JSON, the max number of log lines per call, the output limit in
 * bytes, whether to record previous values from the start, the least points sent as columns.
 */
export const WRAPPER = `
(function (stateJson, configJson, maxLogs, maxOutputBytes, trackPrevious, minColumns) {
  const X = __outpost;
  const userFn = typeof process === 'function' ? process : undefined;
  if (userFn === undefined) throw new Error('the script must define function process(data, context)');
  const state = new X.Map(X.entries(X.parse(stateJson)));
  const previousValues = new X.Map();
  let dirty = false;
  let logs = [];
  const text = (v) => {
    if (typeof v === 'string') return v;
    try { return X.String(X.stringify(v)); } catch (e) { return X.String(v); }
  };
  const logAt = (level) => (...args) => {
    if (logs.length < maxLogs) logs.push([level, args.map(text).join(' ').slice(0, 2000)]);
  };
  const log = X.freeze({ debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') });
  const stateApi = X.freeze({
    get: (k) => state.get(X.String(k)),
    set: (k, v) => { state.set(X.String(k), v); dirty = true; },
    delete: (k) => { const had = state.delete(X.String(k)); dirty = dirty || had; return had; },
    has: (k) => state.has(X.String(k)),
    keys: () => [...state.keys()],
  });
  const freezeDeep = (o) => {
    if (o && typeof o === 'object') { for (const v of Object.values(o)) freezeDeep(v); X.freeze(o); }
    return o;
  };
  const config = freezeDeep(X.parse(configJson));
  // Recording previous values costs per point; skip it for scripts that never ask for them
  // (the source does not mention \`previous\`) until the first call of previous().
  let tracking = trackPrevious;
  const previous = (metric, device) => {
    tracking = true;
    return previousValues.get(X.String(device) + '\\u0000' + X.String(metric));
  };
  // Taken before the call (the script may mutate its input), applied after a successful one.
  const snapshot = (data) => {
    const seen = [];
    if (!tracking) return seen;
    for (const p of X.isArray(data) ? data : [data]) if (p && typeof p === 'object') seen.push([X.String(p.device) + '\\u0000' + X.String(p.metric), X.freeze({ ts: p.ts, value: p.value })]);
    return seen;
  };
  const remember = (seen) => { for (const [k, v] of seen) previousValues.set(k, v); };
  const failure = (e) => X.stringify({
    e: e instanceof Error ? { name: e.name, message: X.String(e.message), stack: X.String(e.stack) } : { name: 'Error', message: text(e) },
    l: logs,
  });
  const C = __outpostColumns;
  const tooLarge = (bytes, atLeast) => X.stringify({ e: { name: 'OutputLimit', message: 'output of ' + (atLeast ? 'more than ' : '') + bytes + ' bytes exceeds the limit of ' + maxOutputBytes }, l: [] });
  const reply = (out, seen) => {
    let json;
    // The output limit counts the reply with the points as JSON objects, however they are sent.
    let size;
    try {
      const cols = X.isArray(out) && out.length >= minColumns && out.toJSON === undefined ? C.write(out, maxOutputBytes) : undefined;
      if (cols !== undefined && cols.json === undefined) return tooLarge(cols.size, true);
      if (cols !== undefined) {
        // The same text JSON.stringify gives for { c, l, s? }; the object form would be '{"p":' + list + tail.
        const tail = ',"l":' + X.stringify(logs) + (dirty ? ',"s":' + X.stringify(X.fromEntries(state)) : '') + '}';
        json = '{"c":' + cols.json + tail;
        size = 5 + cols.size + tail.length;
      } else {
        json = X.stringify(dirty ? { p: out === undefined ? null : out, l: logs, s: X.fromEntries(state) } : { p: out === undefined ? null : out, l: logs });
        size = json.length;
      }
    } catch (e) {
      return X.stringify({ e: { name: 'OutputError', message: 'the result cannot be serialised as JSON: ' + X.String(e && e.message) }, l: logs });
    }
    if (size > maxOutputBytes) return tooLarge(size, false);
    remember(seen);
    return json;
  };
  return function call(requestJson) {
    const req = X.parse(requestJson);
    logs = [];
    dirty = false;
    let data = req.data;
    if (req.c !== undefined) data = C.read(req.c);
    const context = { device: req.device, metrics: req.metrics || {}, config, state: stateApi, log, previous };
    const seen = snapshot(data);
    let out;
    try { out = userFn(data, context); } catch (e) { return failure(e); }
    if (out !== null && typeof out === 'object' && typeof out.then === 'function') {
      return Promise.resolve(out).then((o) => reply(o, seen), failure);
    }
    return reply(out, seen);
  };
})
`;
