import { OutpostError } from '@outpost/contract';
import { parseLabelCsv, type LabelWindow } from '@outpost/ml';
import type { HubStore } from '@outpost/storage/hub/index';

/** Points one job may read from storage; more is refused before anything starts. */
export const MAX_TRAINING_POINTS = 1_000_000;
/** Devices one job may span (a device type may have more; name devices explicitly then). */
export const MAX_TRAINING_DEVICES = 200;

export interface TrainingSelection { devices?: string[]; deviceType?: string; metrics: string[]; from: number; to: number; labels?: string }
export interface TrainingData { ts: Float64Array; values: Float64Array; labels: LabelWindow[] | undefined; streams: Array<{ device: string; metric: string; points: number }> }

/** The devices a job trains on: the listed ones (each must exist in the org) or the active devices of a type. */
export async function resolveDevices(store: HubStore, orgId: string, sel: TrainingSelection): Promise<string[]> {
  if ((sel.devices === undefined) === (sel.deviceType === undefined)) {
    throw new OutpostError('ERR_HUB_INVALID', 'give exactly one of devices (device ids) or deviceType (a device type id)');
  }
  if (sel.devices) {
    for (const id of sel.devices) if (!(await store.fleet.getDevice(orgId, id))) throw new OutpostError('ERR_HUB_NOT_FOUND', `device ${id} not found`);
    return [...new Set(sel.devices)];
  }
  const type = await store.fleet.getDeviceType(orgId, sel.deviceType!);
  if (!type) throw new OutpostError('ERR_HUB_NOT_FOUND', `device type ${sel.deviceType} not found`);
  const { items, total } = await store.fleet.listDevices(orgId, { typeId: type.id, state: 'active', limit: MAX_TRAINING_DEVICES, offset: 0 });
  if (total > MAX_TRAINING_DEVICES) throw new OutpostError('ERR_ML_GRID_TOO_LARGE', `device type ${type.name} has ${total} active devices; a job trains on at most ${MAX_TRAINING_DEVICES}, list devices instead`);
  if (items.length === 0) throw new OutpostError('ERR_ML_TRAINING_DATA', `device type ${type.name} has no active devices to train on`);
  return items.map((d) => d.id);
}

/**
 * Stored points of every (device, metric) in [from, to), as one series: one model is trained for
 * all selected streams (the engine node keeps per-stream state, so the model is shared, not the
 * state). Streams are laid end to end: each later stream is shifted in time to start one of its
 * own sample intervals after the previous one ends, so no artificial gap or regression appears.
 * Labels (CSV, absolute times) apply to every stream and are shifted with it.
 */
export async function loadTrainingData(store: HubStore, orgId: string, devices: readonly string[], sel: TrainingSelection): Promise<TrainingData> {
  if (sel.from >= sel.to) throw new OutpostError('ERR_ML_TRAINING_DATA', `time range is empty: from (${sel.from}) must be before to (${sel.to})`);
  const labels = sel.labels !== undefined ? parseLabelCsv(sel.labels) : undefined;
  const ts: number[] = [];
  const values: number[] = [];
  const shifted: LabelWindow[] = [];
  const streams: TrainingData['streams'] = [];
  let end: number | undefined;
  for (const device of devices) {
    for (const metric of sel.metrics) {
      const left = MAX_TRAINING_POINTS - ts.length;
      const pts = await store.series.points(orgId, { deviceId: device, metric, from: sel.from, to: sel.to, limit: left + 1 });
      if (pts.length > left) throw new OutpostError('ERR_ML_GRID_TOO_LARGE', `the selection holds more than ${MAX_TRAINING_POINTS} points; narrow the time range, devices or metrics`);
      const finite = pts.filter((p) => p.value !== null && Number.isFinite(p.value));
      streams.push({ device, metric, points: finite.length });
      if (finite.length === 0) continue;
      const first = finite[0]!.ts;
      const step = finite.length > 1 ? finite[1]!.ts - first : 1000;
      const shift = end === undefined ? 0 : end + step - first;
      for (const p of finite) { ts.push(p.ts + shift); values.push(p.value as number); }
      end = finite[finite.length - 1]!.ts + shift;
      for (const w of labels ?? []) {
        if (w[1] >= first && w[0] <= finite[finite.length - 1]!.ts) shifted.push([w[0] + shift, w[1] + shift]);
      }
    }
  }
  if (ts.length < 2) {
    const where = streams.map((s) => `${s.device}/${s.metric}: ${s.points}`).join(', ');
    throw new OutpostError('ERR_ML_TRAINING_DATA', `the time range [${sel.from}, ${sel.to}) holds ${ts.length} stored value${ts.length === 1 ? '' : 's'} (${where}); at least 2 are needed`, { points: ts.length });
  }
  return { ts: Float64Array.from(ts), values: Float64Array.from(values), labels: labels && shifted, streams };
}
