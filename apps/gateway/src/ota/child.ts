import type { FromSupervisor, ToSupervisor } from './supervisor.js';

/** True when this process was started by Outpost's supervisor (it has an IPC channel and a slot). */
export const underSupervisor = (): boolean => typeof process.send === 'function' && process.env.OUTPOST_OTA_ROOT !== undefined;

/** Send to the supervisor and wait for its answer. */
export function askSupervisor(msg: ToSupervisor): Promise<FromSupervisor> {
  if (!underSupervisor()) return Promise.reject(new Error('not running under the Outpost supervisor (outpost gateway supervise), so software cannot be switched'));
  return new Promise((resolve) => {
    const on = (m: FromSupervisor) => {
      if (m?.type !== 'committed' && m?.type !== 'refused') return;
      process.off('message', on);
      resolve(m);
    };
    process.on('message', on);
    process.send!(msg);
  });
}

/**
 * Tell the supervisor this version works (call once the gateway runs and reached the hub). A
 * version on trial is committed by that; resolves when the supervisor confirmed.
 */
export async function reportHealthy(): Promise<void> {
  if (underSupervisor()) await askSupervisor({ type: 'healthy' });
}
