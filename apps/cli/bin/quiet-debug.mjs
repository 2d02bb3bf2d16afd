// Preloaded by the `outpost` launcher (and by benchmark children, `node --import`) before any
// third-party module. mqtt-packet, which parses and writes every MQTT packet for aedes and mqtt.js,
// calls the `debug` package about 20 times per packet. Disabled, a `debug(...args)` call still
// allocates its rest-argument array: heap sampling of a gateway under 1-point MQTT load put 18 %
// of all its allocations there, and garbage collection is the largest item in its CPU profile.
// When DEBUG is not set, `debug` is replaced by a factory of no-op loggers through require.cache
// (public API: "adding or replacing entries is also possible"). With DEBUG set (e.g.
// DEBUG=mqtt-packet:*), nothing is replaced and debug logs as usual; what cannot work without
// DEBUG at start is turning a namespace on later with debug.enable().
import { createRequire } from 'node:module';

export const QUIET_DEBUG = Symbol.for('outpost.quietDebug');

if (!process.env.DEBUG) {
  const require = createRequire(import.meta.url);
  const Module = require('node:module');
  const noop = () => {};
  const createDebug = (namespace) => Object.assign(() => {}, {
    namespace, enabled: false, log: noop, destroy: () => true, extend: (sub, delim = ':') => createDebug(`${namespace}${delim}${sub}`),
  });
  Object.assign(createDebug, {
    [QUIET_DEBUG]: true, debug: createDebug, default: createDebug, enable: noop, disable: () => '', enabled: () => false,
    names: [], skips: [], formatters: {}, humanize: (ms) => `${ms}ms`, log: noop,
  });
  // Every copy of `debug` that the MQTT stack resolves (one, unless npm nested a second).
  const paths = new Set();
  for (const pkg of ['mqtt-packet', 'mqtt', 'aedes']) {
    try { paths.add(createRequire(require.resolve(pkg)).resolve('debug')); } catch { /* not installed, or no debug */ }
  }
  for (const path of paths) {
    if (require.cache[path]) continue; // already loaded: too late for this copy
    const m = new Module(path);
    m.filename = path;
    m.loaded = true;
    m.exports = createDebug;
    require.cache[path] = m;
  }
}
