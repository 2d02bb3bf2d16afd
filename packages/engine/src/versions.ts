/**
 * In-memory version model: every save is an immutable, numbered version; an assignment points a
 * device type or a device at one version; rollback re-points to the version assigned before.
 * A device's own assignment wins over its device type's. Persistence belongs to the host (the
 * hub's registry keeps the same shape in its database); this is the logic both sides share.
 */
import { createHash } from 'node:crypto';
import { OutpostError } from '@outpost/contract';
import type { Clock, PipelineDocument } from './types.js';
import { canonicalJson } from './canonical.js';

export interface PipelineVersion {
  pipelineId: string;
  version: number;
  /** sha256 of the canonical JSON of the document. */
  hash: string;
  createdAt: number;
  note?: string;
  doc: Readonly<PipelineDocument>;
}

export type AssignTarget = { deviceType: string; device?: undefined } | { device: string; deviceType?: undefined };

export interface Assignment { pipelineId: string; version: number; assignedAt: number }

export class PipelineVersions {
  private readonly versions = new Map<string, PipelineVersion[]>();
  /** History of assignments per target and pipeline; the last entry is active. */
  private readonly history = new Map<string, Assignment[]>();

  constructor(private readonly clock: Clock) {}

  save(doc: PipelineDocument, note?: string): PipelineVersion {
    const list = this.versions.get(doc.id) ?? [];
    const frozen = deepFreeze(structuredClone(doc));
    const v: PipelineVersion = {
      pipelineId: doc.id, version: list.length + 1, createdAt: this.clock.now(), doc: frozen,
      hash: createHash('sha256').update(canonicalJson(doc)).digest('hex'),
    };
    if (note !== undefined) v.note = note;
    list.push(Object.freeze(v));
    this.versions.set(doc.id, list);
    return v;
  }

  get(pipelineId: string, version: number): PipelineVersion {
    const v = this.versions.get(pipelineId)?.[version - 1];
    if (!v) throw new OutpostError('ERR_PIPELINE_VERSION', `pipeline '${pipelineId}' has no version ${version}`, { pipelineId, version });
    return v;
  }

  list(pipelineId: string): readonly PipelineVersion[] {
    return this.versions.get(pipelineId) ?? [];
  }

  assign(target: AssignTarget, pipelineId: string, version: number): Assignment {
    this.get(pipelineId, version); // must exist
    const key = historyKey(target, pipelineId);
    const list = this.history.get(key) ?? [];
    const a = Object.freeze({ pipelineId, version, assignedAt: this.clock.now() });
    list.push(a);
    this.history.set(key, list);
    return a;
  }

  /** Re-point to `toVersion`, or to the version that was active before the current one. */
  rollback(target: AssignTarget, pipelineId: string, toVersion?: number): Assignment {
    const list = this.history.get(historyKey(target, pipelineId)) ?? [];
    const current = list.at(-1);
    if (!current) throw new OutpostError('ERR_PIPELINE_VERSION', `pipeline '${pipelineId}' is not assigned to ${describe(target)}`);
    let to = toVersion;
    if (to === undefined) {
      to = [...list].reverse().find((a) => a.version !== current.version)?.version;
      if (to === undefined) throw new OutpostError('ERR_PIPELINE_VERSION', `pipeline '${pipelineId}' on ${describe(target)} has no earlier version to roll back to`);
    }
    return this.assign(target, pipelineId, to);
  }

  active(target: AssignTarget, pipelineId: string): Assignment | undefined {
    return this.history.get(historyKey(target, pipelineId))?.at(-1);
  }

  /** The versions that run for one device: its own assignments, else its device type's. */
  resolve(device: string, deviceType: string | undefined): PipelineVersion[] {
    const ids = new Set([...this.versions.keys()]);
    const out: PipelineVersion[] = [];
    for (const id of ids) {
      const a = this.active({ device }, id) ?? (deviceType !== undefined ? this.active({ deviceType }, id) : undefined);
      if (a) out.push(this.get(a.pipelineId, a.version));
    }
    return out;
  }
}

function historyKey(t: AssignTarget, pipelineId: string): string {
  return t.device !== undefined ? `device\u0000${t.device}\u0000${pipelineId}` : `type\u0000${t.deviceType}\u0000${pipelineId}`;
}

function describe(t: AssignTarget): string {
  return t.device !== undefined ? `device '${t.device}'` : `device type '${t.deviceType}'`;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}
