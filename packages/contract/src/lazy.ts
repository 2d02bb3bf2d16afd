import { createRequire } from 'node:module';

/**
 * A CommonJS dependency loaded on first use instead of at start-up. A gateway that configures no
 * Modbus device, script or geofence should not pay for modbus-serial, isolated-vm or turf: each
 * costs 5–16 MiB of resident memory on a device with little of it. `from` is the caller's
 * `import.meta.url`, so the package resolves as a static import there would.
 */
export function lazyRequire<T>(from: string, specifier: string): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) loaded = createRequire(from)(specifier) as T;
    return loaded;
  };
}
