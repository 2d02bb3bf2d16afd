import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { OutpostError } from '@outpost/contract';

/**
 * Gateway software in two slots (A/B, as Mender does with partitions): `<root>/slots/a|b`, each a
 * complete unpacked bundle, and `<root>/ota-state.json` saying which slot is committed. Only the
 * supervisor commits a slot, and only after the new version reported healthy.
 */
export type Slot = 'a' | 'b';
export interface OtaState {
  active: Slot;
  /** A switch under trial; a supervisor that finds one at start-up was cut off midway and boots `active`. */
  trial: { slot: Slot; version: string; startedAt: number } | null;
  lastFailure: { version: string; error: string; at: number } | null;
}
/** What a slot holds (written last when a bundle is unpacked: a slot without it is incomplete). */
export interface SlotManifest { version: string; entry: string }

/** The software bundle: one JSON document with every file base64-encoded (`outpost.bundle/1`). */
export interface SoftwareBundle { format: 'outpost.bundle/1'; version: string; entry: string; files: Record<string, string> }

export const other = (s: Slot): Slot => (s === 'a' ? 'b' : 'a');
export const slotDir = (root: string, s: Slot) => join(root, 'slots', s);

export function readOtaState(root: string): OtaState {
  const p = join(root, 'ota-state.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as OtaState) : { active: 'a', trial: null, lastFailure: null };
}

export function writeOtaState(root: string, s: OtaState): void {
  const p = join(root, 'ota-state.json');
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(`${p}.tmp`, JSON.stringify(s, null, 2));
  renameSync(`${p}.tmp`, p);
}

export function readSlot(root: string, s: Slot): SlotManifest | undefined {
  const p = join(slotDir(root, s), 'outpost-slot.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as SlotManifest) : undefined;
}

export function parseBundle(content: Buffer, where: string): SoftwareBundle {
  let b: SoftwareBundle;
  try { b = JSON.parse(content.toString('utf8')) as SoftwareBundle; } catch (e) { throw new OutpostError('ERR_ARTIFACT_INVALID', `${where}: not a software bundle (JSON expected: ${(e as Error).message})`); }
  if (b?.format !== 'outpost.bundle/1' || typeof b.version !== 'string' || typeof b.entry !== 'string' || typeof b.files !== 'object' || b.files === null || typeof b.files[b.entry] !== 'string') {
    throw new OutpostError('ERR_ARTIFACT_INVALID', `${where}: a software bundle needs {format: "outpost.bundle/1", version, entry, files: {<path>: <base64>}} with the entry among the files`);
  }
  return b;
}

/** Unpack a bundle into a slot: clear it, write every file, then the manifest (the "complete" mark). */
export function unpackInto(root: string, s: Slot, b: SoftwareBundle): void {
  const dir = resolve(slotDir(root, s));
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, b64] of Object.entries(b.files)) {
    const p = resolve(dir, rel);
    if (!p.startsWith(dir + sep)) throw new OutpostError('ERR_ARTIFACT_INVALID', `software bundle ${b.version}: file "${rel}" escapes the slot folder`);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, Buffer.from(b64, 'base64'));
  }
  writeFileSync(join(dir, 'outpost-slot.json'), JSON.stringify({ version: b.version, entry: b.entry } satisfies SlotManifest));
}
