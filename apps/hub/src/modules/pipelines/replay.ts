import { OutpostError, type Point } from '@outpost/contract';
import type { ReplayRange } from '@outpost/operators/pipelines/test-request';
import type { HubStore } from '@outpost/storage/hub/index';

/** Most points one test or diff runs (inline or replayed from the hub's time series). */
export const HUB_TEST_MAX_POINTS = 100_000;

/** Stored points of one device and metric of the organisation (`to` exclusive, like the hub's other time-series routes). */
export async function replayPoints(store: HubStore, orgId: string, replay: ReplayRange): Promise<Point[]> {
  if (replay.metric === undefined) throw new OutpostError('ERR_QUERY_INVALID', 'replay.metric: required on the hub (its time series are read per device and metric)');
  if (!(await store.fleet.getDevice(orgId, replay.device))) throw new OutpostError('ERR_HUB_NOT_FOUND', `device ${replay.device} not found`);
  const rows = await store.series.points(orgId, { deviceId: replay.device, metric: replay.metric, from: replay.from, to: replay.to, limit: HUB_TEST_MAX_POINTS });
  return rows.map((r) => {
    const p: Point = { device: r.deviceId, metric: r.metric, ts: r.ts, value: r.text ?? r.value };
    if (r.unit !== null) p.unit = r.unit;
    return p;
  });
}
