import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

/**
 * The uplink schema, loaded by reflection from `uplink.proto` at import time.
 *
 * Why reflection rather than `pbjs` static code: protobufjs compiles a specialised encoder and
 * decoder per message type at run time (the same code the static generator would emit), so it
 * is as fast, and the `.proto` file is the single source — there is no generated file that can
 * go stale and no generator toolchain (protobufjs-cli pulls jsdoc, uglify, …) in the repo.
 * The runtime dependency of the contract package is protobufjs alone.
 */
// 64-bit fields decode to plain numbers, not Long objects (every value we put there is a safe
// integer; Long objects cost a third of decode time). protobufjs keeps this in its module-level util.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

const root = protobuf.parse(readFileSync(new URL('./uplink.proto', import.meta.url), 'utf8'), { keepCase: false }).root;

export const WIRE_PACKAGE = 'outpost.uplink.v1';
export const BatchType = root.lookupType(`${WIRE_PACKAGE}.Batch`);
export const PointSetType = root.lookupType(`${WIRE_PACKAGE}.PointSet`);

/** protobufjs yields 64-bit integers as Long objects (the `long` package is installed); we use numbers. */
export function toNum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  return Number(v ?? 0);
}
