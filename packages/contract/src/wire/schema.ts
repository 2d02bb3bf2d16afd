import { readFileSync } from 'node:fs';
import type protobuf from 'protobufjs';
import { lazyRequire } from '../lazy.js';

/**
 * The uplink schema, loaded by reflection from `uplink.proto` on first use.
 *
 * Why reflection rather than `pbjs` static code: protobufjs compiles a specialised encoder and
 * decoder per message type at run time (the same code the static generator would emit), so it
 * is as fast, and the `.proto` file is the single source — there is no generated file that can
 * go stale and no generator toolchain (protobufjs-cli pulls jsdoc, uglify, …) in the repo.
 * The runtime dependency of the contract package is protobufjs alone.
 */
export const WIRE_PACKAGE = 'outpost.uplink.v1';

const loadProtobuf = lazyRequire<typeof protobuf>(import.meta.url, 'protobufjs');
let types: { batch: protobuf.Type; pointSet: protobuf.Type } | undefined;

/** Parsed on first use, so a gateway without an uplink never loads protobufjs (~10 MiB resident). */
function wireTypes(): { batch: protobuf.Type; pointSet: protobuf.Type } {
  if (types) return types;
  const pb = loadProtobuf();
  // 64-bit fields decode to plain numbers, not Long objects (every value we put there is a safe
  // integer; Long objects cost a third of decode time). protobufjs keeps this in its module-level util.
  pb.util.Long = undefined as unknown as typeof pb.util.Long;
  pb.configure();
  const root = pb.parse(readFileSync(new URL('./uplink.proto', import.meta.url), 'utf8'), { keepCase: false }).root;
  types = { batch: root.lookupType(`${WIRE_PACKAGE}.Batch`), pointSet: root.lookupType(`${WIRE_PACKAGE}.PointSet`) };
  return types;
}

export const batchType = (): protobuf.Type => wireTypes().batch;
export const pointSetType = (): protobuf.Type => wireTypes().pointSet;

/** protobufjs yields 64-bit integers as Long objects (the `long` package is installed); we use numbers. */
export function toNum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  return Number(v ?? 0);
}
